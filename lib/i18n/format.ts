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

/** Hour and minute in the business time zone ("3:48 PM" / "15:48"), for times beside today's messages. */
export function formatTime(locale: Locale, value: Date | string | number): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    hour: 'numeric',
    minute: '2-digit',
    timeZone: TIME_ZONE,
  }).format(new Date(value));
}

const relativeUnits: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago" / "3 นาทีที่แล้ว"; null under 45 seconds (the caller says "just now"). */
export function formatRelative(locale: Locale, at: number, now: number): string | null {
  const seconds = Math.round((at - now) / 1000);
  if (Math.abs(seconds) < 45) return null;
  const format = new Intl.RelativeTimeFormat(intlLocale(locale), { numeric: 'auto' });
  for (const [unit, size] of relativeUnits) {
    if (Math.abs(seconds) >= size || unit === 'minute')
      return format.format(Math.round(seconds / size), unit);
  }
  return null;
}

/** Bound formatters for one locale, handy in components. */
export function formattersFor(locale: Locale) {
  return {
    number: (value: number) => formatNumber(locale, value),
    price: (minor: number) => formatPrice(locale, minor),
    date: (value: Date | string) => formatDate(locale, value),
    dateTime: (value: Date | string) => formatDateTime(locale, value),
    time: (value: Date | string | number) => formatTime(locale, value),
    relative: (at: number, now: number) => formatRelative(locale, at, now),
  };
}
export type Formatters = ReturnType<typeof formattersFor>;
