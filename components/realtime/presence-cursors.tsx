'use client';

import { useTranslation } from 'react-i18next';
import type { Member } from '@/lib/realtime/protocol/messages';
import { colorFor } from './avatar-style';

/**
 * Other people's cursors over a surface. Put it inside a `relative` container and report positions relative to the
 * same container (updateMousePosition(x, y) in CSS pixels). Decorative for screen readers: the avatars say who is
 * where.
 */
export function PresenceCursors({
  members,
  currentUserId,
}: {
  members: readonly Member[];
  currentUserId?: string;
}) {
  const { t } = useTranslation('realtime');
  const visible = members.filter((m) => m.cursor && m.userId !== currentUserId && m.status !== 'away');
  if (visible.length === 0) return null;
  return (
    <div aria-hidden className="pointer-events-none absolute inset-0 z-30 overflow-hidden">
      {visible.map((member) => (
        <div
          key={member.userId}
          title={t('presence.cursorOf', { name: member.name })}
          className="absolute top-0 left-0 transition-transform duration-100 ease-linear"
          style={{ transform: `translate(${member.cursor!.x}px, ${member.cursor!.y}px)` }}
        >
          <svg
            aria-hidden
            width="16"
            height="16"
            viewBox="0 0 16 16"
            className={`${textColor(member.userId)} drop-shadow`}
          >
            <path d="M1 1 L1 13 L4.5 9.5 L7 15 L9 14 L6.5 8.5 L11 8.5 Z" fill="currentColor" stroke="white" />
          </svg>
          <span
            className={`ml-3 rounded px-1.5 py-0.5 text-[11px] font-medium whitespace-nowrap text-white ${colorFor(member.userId)}`}
          >
            {member.name}
          </span>
        </div>
      ))}
    </div>
  );
}

function textColor(userId: string): string {
  return colorFor(userId).replace('bg-', 'text-');
}
