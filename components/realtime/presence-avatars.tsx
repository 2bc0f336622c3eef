'use client';

import { useTranslation } from 'react-i18next';
import type { Member } from '@/lib/realtime/protocol/messages';
import { colorFor, initials, splitDisplay, statusDot } from './avatar-style';

export type PresenceAvatarsProps = {
  members: readonly Member[];
  /** Marked "(you)" and listed first. */
  currentUserId?: string;
  /** Avatars shown before the rest collapse into "+N" (default 5). */
  maxDisplay?: number;
  /** Smaller avatars, no names. */
  compact?: boolean;
  /** The accessible name of the group (default "People here"). */
  label?: string;
  className?: string;
};

/** A row of avatars with initials and a status dot; each has a tooltip with status, location and activity. */
export function PresenceAvatars({
  members,
  currentUserId,
  maxDisplay = 5,
  compact = false,
  label,
  className = '',
}: PresenceAvatarsProps) {
  const { t } = useTranslation('realtime');
  const ordered = currentUserId
    ? [
        ...members.filter((m) => m.userId === currentUserId),
        ...members.filter((m) => m.userId !== currentUserId),
      ]
    : [...members];
  const { shown, hidden } = splitDisplay(ordered, maxDisplay);
  const size = compact ? 'size-6 text-[10px]' : 'size-8 text-xs';
  const dot = compact ? 'size-2' : 'size-2.5';
  const hiddenNames = ordered
    .slice(shown.length)
    .map((m) => m.name)
    .join(', ');

  return (
    <ul aria-label={label ?? t('presence.label')} className={`flex items-center -space-x-1.5 ${className}`}>
      {shown.map((member) => {
        const isSelf = member.userId === currentUserId;
        const details = describeMember(member, isSelf, t);
        return (
          <li key={member.userId} className="group relative">
            <button
              type="button"
              aria-label={details.join(', ')}
              className={`relative inline-flex ${size} cursor-default items-center justify-center rounded-full font-semibold text-white ring-2 ring-white ${colorFor(member.userId)}`}
            >
              <span aria-hidden>{initials(member.name)}</span>
              <span
                aria-hidden
                className={`absolute -right-0.5 -bottom-0.5 ${dot} rounded-full ring-2 ring-white ${statusDot[member.status]}`}
              />
            </button>
            <span
              aria-hidden
              className="pointer-events-none invisible absolute top-full left-1/2 z-20 mt-2 w-max max-w-56 -translate-x-1/2 rounded-md bg-slate-900 px-2.5 py-1.5 text-xs text-white opacity-0 shadow-lg transition-opacity group-focus-within:visible group-focus-within:opacity-100 group-hover:visible group-hover:opacity-100"
            >
              <span className="block font-medium">{details[0]}</span>
              {details.slice(1).map((line) => (
                <span key={line} className="block text-slate-300">
                  {line}
                </span>
              ))}
            </span>
          </li>
        );
      })}
      {hidden > 0 && (
        <li>
          <button
            type="button"
            title={hiddenNames}
            aria-label={`${t('presence.moreLabel', { count: hidden })}: ${hiddenNames}`}
            className={`inline-flex ${size} cursor-default items-center justify-center rounded-full bg-slate-200 font-semibold text-slate-700 ring-2 ring-white`}
          >
            {t('presence.more', { count: hidden })}
          </button>
        </li>
      )}
    </ul>
  );
}

type Translate = ReturnType<typeof useTranslation<'realtime'>>['t'];

function describeMember(member: Member, isSelf: boolean, t: Translate): string[] {
  const lines = [
    `${member.name}${isSelf ? ` (${t('presence.you')})` : ''}`,
    t(`presence.status.${member.status}`),
  ];
  if (member.statusText) lines.push(member.statusText);
  if (member.location?.section) lines.push(t('presence.inSection', { section: member.location.section }));
  else if (member.location?.page) lines.push(t('presence.onPage', { page: member.location.page }));
  if (member.activity) lines.push(member.activity);
  if (member.connections > 1) lines.push(t('presence.tabs', { count: member.connections }));
  return lines;
}
