'use client';

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '@/lib/i18n/use-locale';

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
  const { format } = useLocale();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => subscribeTick(() => setNow(Date.now())), []);
  const label = format.relative(at, Math.max(now, at)) ?? t('time.justNow');
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
