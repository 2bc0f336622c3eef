/** Locales, namespaces and the cookie that keeps the choice. Safe on server and client. */
export const locales = ['en', 'th'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';
export const LOCALE_COOKIE = 'osl_locale';
/** A year: the choice outlives the session. */
export const LOCALE_COOKIE_MAX_AGE = 365 * 24 * 3600;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

export function toLocale(value: unknown): Locale {
  return isLocale(value) ? value : defaultLocale;
}

/** The Intl locale used for numbers, prices and dates. */
export function intlLocale(locale: Locale): 'en-US' | 'th-TH' {
  return locale === 'th' ? 'th-TH' : 'en-US';
}
