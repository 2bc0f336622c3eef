'use client';

import { useTranslation } from 'react-i18next';
import type { Member } from '@/lib/realtime/protocol/messages';
import { isOrderSection, type LeaseView } from '@/lib/sync/types';
import { Avatar } from './avatar';

const statusDot: Record<string, string> = {
  online: 'bg-emerald-500',
  busy: 'bg-rose-500',
  away: 'bg-amber-400',
  offline: 'bg-slate-300',
};

export function PeopleTab({
  members,
  selfId,
  locks,
}: {
  members: readonly Member[];
  selfId: string;
  locks: Readonly<Record<string, LeaseView>>;
}) {
  const { t } = useTranslation('collab');
  const { t: tc } = useTranslation('common');
  const sorted = [...members].sort((a, b) =>
    a.userId === selfId ? -1 : b.userId === selfId ? 1 : a.name.localeCompare(b.name),
  );
  return (
    <div>
      <ul className="divide-y divide-slate-100" data-testid="collaborators">
        {sorted.map((m) => {
          const section = isOrderSection(m.location?.section) ? m.location.section : undefined;
          const held = Object.values(locks)
            .filter((l) => l.userId === m.userId)
            .map((l) => (isOrderSection(l.section) ? t(`editor.sections.${l.section}`) : l.section));
          return (
            <li
              key={m.userId}
              className="flex items-center gap-3 py-2.5"
              data-testid="collaborator"
              data-user={m.name}
            >
              <span className="relative">
                <Avatar userId={m.userId} name={m.name} />
                <span
                  aria-hidden
                  className={`absolute -right-0.5 -bottom-0.5 size-2.5 rounded-full ring-2 ring-white ${statusDot[m.status] ?? statusDot.offline}`}
                />
              </span>
              <div className="min-w-0 flex-1">
                <p className="flex items-baseline gap-1.5 text-sm">
                  <span className="truncate font-medium text-slate-900">{m.name}</span>
                  {m.userId === selfId ? (
                    <span className="text-xs text-slate-500">({t('panel.people.you')})</span>
                  ) : null}
                  <span className="text-xs text-slate-500">· {tc(`roles.${m.role}`)}</span>
                </p>
                <p className="truncate text-xs text-slate-500">
                  {m.activity === 'typing:notes'
                    ? t('panel.people.typing')
                    : section
                      ? t('panel.people.inSection', { section: t(`editor.sections.${section}`) })
                      : t('panel.people.browsing')}
                  {held.length > 0 ? ` · ${t('panel.people.holds', { sections: held.join(', ') })}` : ''}
                </p>
              </div>
              {m.connections > 1 ? (
                <span className="text-[11px] text-slate-500">
                  {t('panel.people.connections', { count: m.connections })}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      {members.filter((m) => m.userId !== selfId).length === 0 ? (
        <p className="py-3 text-sm text-slate-500">{t('panel.people.empty')}</p>
      ) : null}
    </div>
  );
}
