'use client';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { messagingApi } from './api';

/** Admins: one announcement to everyone in the tenant (a notification each, persisted and audited). */
export function AnnouncementForm() {
  const { t } = useTranslation('messages');
  const [text, setText] = useState('');
  const [result, setResult] = useState<string | null>(null);
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      data-testid="announcement-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (!text.trim()) return;
        void messagingApi.announce(text).then(
          ({ recipients }) => {
            setText('');
            setResult(t('announce.sent', { count: recipients }));
          },
          () => setResult(t('errors.generic')),
        );
      }}
    >
      <label className="min-w-64 flex-1 text-xs text-slate-600">
        {t('announce.title')}
        <input
          className="field mt-1 py-1.5"
          value={text}
          maxLength={1000}
          placeholder={t('announce.placeholder')}
          onChange={(e) => setText(e.target.value)}
          data-testid="announcement-text"
        />
      </label>
      <button type="submit" className="btn-secondary py-1.5" disabled={!text.trim()}>
        {t('announce.send')}
      </button>
      {result ? (
        <span className="text-xs text-slate-500" role="status">
          {result}
        </span>
      ) : null}
    </form>
  );
}
