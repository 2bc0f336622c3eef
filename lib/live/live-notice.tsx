'use client';

import { useTranslation } from 'react-i18next';
import { useLive } from './live-context';

/** "Live updates unavailable — refreshing every 5 s", shown on live pages while they poll. */
export function LiveNotice({ className = '' }: { className?: string }) {
  const { mode } = useLive();
  const { t } = useTranslation('live');
  if (!mode.polling) return null;
  return (
    <div
      role="status"
      data-testid="live-polling-notice"
      data-reason={mode.reason ?? undefined}
      className={`mb-4 flex items-start gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-2.5 text-sm text-amber-900 ${className}`}
    >
      <svg aria-hidden viewBox="0 0 20 20" className="mt-0.5 size-4 shrink-0 fill-current text-amber-500">
        <path d="M10 2a8 8 0 1 1 0 16 8 8 0 0 1 0-16Zm0 4a1 1 0 0 0-1 1v3.6l2.6 2.6a1 1 0 0 0 1.4-1.4L11 9.8V7a1 1 0 0 0-1-1Z" />
      </svg>
      <p>
        <span className="font-medium">
          {t('polling.notice', { seconds: Math.round(mode.pollMs / 1000) })}
        </span>
        <span className="block text-xs text-amber-800">
          {mode.reason === 'disabled' ? t('polling.disabled') : t('polling.unreachable')}
        </span>
      </p>
    </div>
  );
}
