'use client';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { messagingApi } from './api';
import type { ConversationItem, TenantUser } from './types';

/** Members of a group: the creator or an admin adds and removes people; anyone may leave. */
export function GroupMembers({
  conversation,
  me,
  users,
  onChanged,
  onLeft,
}: {
  conversation: ConversationItem;
  me: { id: string; role: string };
  users: TenantUser[];
  onChanged(): void;
  onLeft(): void;
}) {
  const { t } = useTranslation('messages');
  const [adding, setAdding] = useState('');
  const [error, setError] = useState<string | null>(null);
  const manager = conversation.createdBy === me.id || me.role === 'admin';
  const memberIds = new Set(conversation.participants.map((p) => p.userId));
  const candidates = users.filter((u) => !memberIds.has(u.id));

  const run = async (action: () => Promise<unknown>, after: () => void) => {
    try {
      await action();
      setError(null);
      after();
    } catch {
      setError(t('errors.generic'));
    }
  };

  return (
    <details className="border-b border-slate-200 px-4 py-2 text-sm" data-testid="group-members">
      <summary className="cursor-pointer text-xs font-medium text-slate-600">
        {t('thread.members')} ({conversation.participants.length})
      </summary>
      <ul className="mt-2 space-y-1">
        {conversation.participants.map((p) => (
          <li key={p.userId} className="flex items-center justify-between gap-2">
            <span>{p.name}</span>
            {manager && p.userId !== me.id ? (
              <button
                type="button"
                className="text-xs text-rose-600 hover:underline"
                onClick={() =>
                  void run(() => messagingApi.removeMember(conversation.id, p.userId), onChanged)
                }
              >
                {t('manage.remove', { name: p.name })}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {manager && candidates.length > 0 ? (
        <form
          className="mt-2 flex gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            if (!adding) return;
            void run(
              () => messagingApi.addMembers(conversation.id, [adding]),
              () => {
                setAdding('');
                onChanged();
              },
            );
          }}
        >
          <select
            className="field py-1 text-xs"
            value={adding}
            onChange={(e) => setAdding(e.target.value)}
            aria-label={t('manage.addMember')}
          >
            <option value="">{t('manage.addMember')}</option>
            {candidates.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
          <button type="submit" className="btn-secondary px-2 py-1 text-xs" disabled={!adding}>
            {t('manage.add')}
          </button>
        </form>
      ) : null}
      <button
        type="button"
        className="mt-2 text-xs text-slate-500 hover:underline"
        onClick={() => void run(() => messagingApi.removeMember(conversation.id, me.id), onLeft)}
      >
        {t('manage.leave')}
      </button>
      {error ? (
        <p className="mt-1 text-xs text-rose-600" role="alert">
          {error}
        </p>
      ) : null}
    </details>
  );
}
