'use client';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useOnlineStatus, useRealtime } from '@/lib/hooks';
import type { PresenceStatus } from '@/lib/realtime/protocol/messages';

const choices: PresenceStatus[] = ['online', 'busy', 'away', 'offline'];

/** My status (online, busy = no pop-ups, away, appear offline) and a status message others see next to my name. */
export function PresenceStatusForm() {
  const { t } = useTranslation('messages');
  const { client, setSelf } = useRealtime();
  const { status } = useOnlineStatus();
  const [chosen, setChosen] = useState<PresenceStatus>(status === 'away' ? 'online' : status);
  const [text, setText] = useState('');
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      data-testid="presence-form"
      onSubmit={(event) => {
        event.preventDefault();
        setSelf({ chosen });
        client.updatePresence({ statusText: text.trim() });
      }}
    >
      <label className="text-xs text-slate-600">
        {t('presence.label')}
        <select
          className="field mt-1 py-1.5"
          value={chosen}
          onChange={(e) => setChosen(e.target.value as PresenceStatus)}
          data-testid="presence-status"
        >
          {choices.map((c) => (
            <option key={c} value={c}>
              {t(`presence.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="min-w-48 flex-1 text-xs text-slate-600">
        {t('presence.statusText')}
        <input
          className="field mt-1 py-1.5"
          value={text}
          maxLength={100}
          placeholder={t('presence.statusTextPlaceholder')}
          onChange={(e) => setText(e.target.value)}
          data-testid="presence-text"
        />
      </label>
      <button
        type="submit"
        className="btn-secondary py-1.5"
        data-testid="presence-save"
        title={t('presence.busyHint')}
      >
        {t('presence.save')}
      </button>
    </form>
  );
}
