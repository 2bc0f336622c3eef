'use client';

import { useTranslation } from 'react-i18next';

/** The console's one message line: the last action's outcome (a temporary password is shown here once). */
export type Notice = { tone: 'success' | 'error'; text: string; secret?: string };

export function NoticeLine({ notice, onDismiss }: { notice: Notice | null; onDismiss(): void }) {
  const { t } = useTranslation('admin');
  if (!notice) return <div aria-live="polite" className="sr-only" />;
  const tone =
    notice.tone === 'success'
      ? 'border-emerald-200 bg-emerald-50 text-emerald-900'
      : 'border-rose-200 bg-rose-50 text-rose-900';
  return (
    <div
      role={notice.tone === 'error' ? 'alert' : 'status'}
      aria-live="polite"
      data-testid="admin-notice"
      className={`flex items-start justify-between gap-4 rounded-lg border p-3 text-sm ${tone}`}
    >
      <p className="min-w-0 break-words">
        {notice.text}
        {notice.secret ? (
          <code data-testid="temporary-password" className="sr-only">
            {notice.secret}
          </code>
        ) : null}
      </p>
      <button
        type="button"
        onClick={onDismiss}
        aria-label={t('dismiss')}
        className="shrink-0 rounded px-1 text-lg leading-none opacity-70 hover:opacity-100 focus-visible:ring-2 focus-visible:outline-none"
      >
        ×
      </button>
    </div>
  );
}
