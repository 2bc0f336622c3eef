'use client';

import { useTranslation } from 'react-i18next';

export type EditorNotice = {
  id: string;
  tone: 'info' | 'warning' | 'danger' | 'success';
  text: string;
};

const tones: Record<EditorNotice['tone'], string> = {
  info: 'border-sky-200 bg-sky-50 text-sky-900',
  warning: 'border-amber-200 bg-amber-50 text-amber-900',
  danger: 'border-rose-200 bg-rose-50 text-rose-900',
  success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
};

/** Overwrite, conflict and lock notices naming who, newest first, each dismissable. */
export function Notices({
  notices,
  onDismiss,
}: {
  notices: readonly EditorNotice[];
  onDismiss(id: string): void;
}) {
  const { t } = useTranslation('collab');
  if (notices.length === 0) return null;
  return (
    <ul className="mb-4 space-y-2" aria-live="polite">
      {notices.map((notice) => (
        <li
          key={notice.id}
          data-testid="editor-notice"
          data-tone={notice.tone}
          className={`flex items-start justify-between gap-3 rounded-lg border px-3.5 py-2.5 text-sm shadow-xs ${tones[notice.tone]}`}
        >
          <span>{notice.text}</span>
          <button
            type="button"
            onClick={() => onDismiss(notice.id)}
            className="shrink-0 rounded px-1 text-xs font-medium opacity-70 hover:opacity-100"
          >
            {t('notice.dismiss')}
          </button>
        </li>
      ))}
    </ul>
  );
}
