'use client';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TenantUser } from './types';

export function NewConversation({
  users,
  meId,
  onCreate,
  onCancel,
}: {
  users: TenantUser[];
  meId: string;
  onCreate(
    input: { kind: 'direct'; userId: string } | { kind: 'group'; name: string; memberIds: string[] },
  ): Promise<void>;
  onCancel(): void;
}) {
  const { t } = useTranslation('messages');
  const [kind, setKind] = useState<'direct' | 'group'>('direct');
  const [person, setPerson] = useState('');
  const [name, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const others = users.filter((u) => u.id !== meId);
  const ready = kind === 'direct' ? person !== '' : name.trim() !== '' && members.length > 0;

  return (
    <form
      className="space-y-3 border-b border-slate-200 p-4"
      data-testid="new-conversation"
      onSubmit={(event) => {
        event.preventDefault();
        if (!ready) return;
        void onCreate(
          kind === 'direct' ? { kind, userId: person } : { kind, name: name.trim(), memberIds: members },
        );
      }}
    >
      <h3 className="text-sm font-semibold text-slate-900">{t('new.title')}</h3>
      <div className="flex gap-2" role="radiogroup">
        {(['direct', 'group'] as const).map((k) => (
          <label key={k} className="flex items-center gap-1.5 text-sm">
            <input
              type="radio"
              name="kind"
              value={k}
              checked={kind === k}
              onChange={() => setKind(k)}
              data-testid={`new-${k}`}
            />
            {t(`new.${k}`)}
          </label>
        ))}
      </div>
      {kind === 'direct' ? (
        <label className="block text-xs text-slate-600">
          {t('new.person')}
          <select
            className="field mt-1"
            value={person}
            onChange={(e) => setPerson(e.target.value)}
            data-testid="new-person"
          >
            <option value="">{t('new.pickPerson')}</option>
            {others.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <>
          <label className="block text-xs text-slate-600">
            {t('new.name')}
            <input
              className="field mt-1"
              value={name}
              maxLength={100}
              placeholder={t('new.namePlaceholder')}
              onChange={(e) => setName(e.target.value)}
              data-testid="new-name"
            />
          </label>
          <fieldset>
            <legend className="text-xs text-slate-600">{t('new.members')}</legend>
            <div className="mt-1 grid gap-1">
              {others.map((u) => (
                <label key={u.id} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    checked={members.includes(u.id)}
                    onChange={(e) =>
                      setMembers((list) =>
                        e.target.checked ? [...list, u.id] : list.filter((x) => x !== u.id),
                      )
                    }
                    data-testid="new-member"
                    data-name={u.name}
                  />
                  {u.name}
                </label>
              ))}
            </div>
          </fieldset>
        </>
      )}
      <div className="flex justify-end gap-2">
        <button type="button" className="btn-secondary" onClick={onCancel}>
          {t('new.cancel')}
        </button>
        <button type="submit" className="btn-primary" disabled={!ready} data-testid="new-create">
          {t('new.create')}
        </button>
      </div>
    </form>
  );
}
