'use client';

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { intlLocale } from '@/lib/i18n/config';
import { useLocale } from '@/lib/i18n/use-locale';

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "3 minutes ago" / "3 นาทีที่แล้ว" for a past moment, in the given locale. */
export function relativeTime(locale: string, at: number, now: number): string | null {
  const seconds = Math.round((at - now) / 1000);
  if (Math.abs(seconds) < 45) return null;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size || unit === 'minute')
      return format.format(Math.round(seconds / size), unit);
  }
  return null;
}

let tickers = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribeTick(fn: () => void) {
  tickers.add(fn);
  timer ??= setInterval(() => {
    for (const tick of tickers) tick();
  }, 30_000);
  return () => {
    tickers.delete(fn);
    if (tickers.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
      tickers = new Set();
    }
  };
}

/** A relative time that refreshes itself; the exact date and time are in the tooltip. */
export function RelativeTime({ at, className }: { at: number; className?: string }) {
  const { t } = useTranslation('collab');
  const { locale, format } = useLocale();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => subscribeTick(() => setNow(Date.now())), []);
  const label = relativeTime(intlLocale(locale), at, Math.max(now, at)) ?? t('time.justNow');
  return (
    <time
      dateTime={new Date(at).toISOString()}
      title={format.dateTime(new Date(at))}
      className={className}
      suppressHydrationWarning
    >
      {label}
    </time>
  );
}
