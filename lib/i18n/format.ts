import { intlLocale, type Locale } from './config';

/** Business time zone: the server and the browser render the same day and hour whatever their own zone is. */
export const TIME_ZONE = 'Asia/Bangkok';

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(intlLocale(locale)).format(value);
}

/** `minor` is in satang (1/100 THB); prices are stored as integers so arithmetic stays exact. */
export function formatPrice(locale: Locale, minor: number): string {
  return new Intl.NumberFormat(intlLocale(locale), {
    style: 'currency',
    currency: 'THB',
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(minor / 100);
}

export function formatDate(locale: Locale, value: Date | string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    dateStyle: 'medium',
    timeZone: TIME_ZONE,
  }).format(new Date(value));
}

export function formatDateTime(locale: Locale, value: Date | string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: TIME_ZONE,
  }).format(new Date(value));
}

/** Bound formatters for one locale, handy in components. */
export function formattersFor(locale: Locale) {
  return {
    number: (value: number) => formatNumber(locale, value),
    price: (minor: number) => formatPrice(locale, minor),
    date: (value: Date | string) => formatDate(locale, value),
    dateTime: (value: Date | string) => formatDateTime(locale, value),
  };
}
export type Formatters = ReturnType<typeof formattersFor>;
