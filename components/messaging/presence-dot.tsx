'use client';

import { useTranslation } from 'react-i18next';
import type { Member } from '@/lib/realtime/protocol/messages';

const colors = {
  online: 'bg-emerald-500',
  away: 'bg-amber-400',
  busy: 'bg-rose-500',
  offline: 'bg-slate-300',
} as const;

/** A colored dot with the status (and status text) for screen readers and as a tooltip. */
export function PresenceDot({ member, userId }: { member: Member | undefined; userId: string }) {
  const { t } = useTranslation('messages');
  const status = member?.status ?? 'offline';
  const label = t(`presence.${status}`);
  const text = member?.statusText ? `${label} · ${member.statusText}` : label;
  return (
    <span
      className={`inline-block size-2.5 shrink-0 rounded-full ring-2 ring-white ${colors[status]}`}
      title={text}
      role="img"
      aria-label={text}
      data-testid="presence-dot"
      data-user-id={userId}
      data-status={status}
    />
  );
}
