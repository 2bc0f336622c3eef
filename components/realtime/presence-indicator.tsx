'use client';

import { useTranslation } from 'react-i18next';
import { type Location, usePresence } from '@/lib/hooks';
import { PresenceAvatars } from './presence-avatars';
import { PresenceCursors } from './presence-cursors';

export type PresenceIndicatorProps = {
  /** A room ("order:42"); default: tenant-wide presence (who is online in the app). */
  channel?: string;
  /** This user's location when joining the room. */
  location?: Location;
  maxDisplay?: number;
  compact?: boolean;
  /** Leave yourself out of the avatars. */
  hideSelf?: boolean;
  /** Also draw other people's cursors; the nearest `relative` ancestor is the surface. */
  showCursors?: boolean;
  className?: string;
};

/** Who is here (tenant-wide or in one room), live: avatars, status, location and activity, optional cursors. */
export function PresenceIndicator({
  channel,
  location,
  maxDisplay,
  compact,
  hideSelf = false,
  showCursors = false,
  className,
}: PresenceIndicatorProps) {
  const { t } = useTranslation('realtime');
  const presence = usePresence({ channel, location });
  const selfId = presence.currentUser?.id;
  const members = hideSelf ? presence.others : presence.activeUsers;
  return (
    <>
      {members.length === 0 ? (
        compact ? null : (
          <p className="text-xs text-slate-500">{t('presence.nobody')}</p>
        )
      ) : (
        <PresenceAvatars
          members={members}
          currentUserId={selfId}
          maxDisplay={maxDisplay}
          compact={compact}
          label={channel ? t('presence.label') : t('presence.online')}
          className={className}
        />
      )}
      {showCursors && <PresenceCursors members={presence.activeUsers} currentUserId={selfId} />}
    </>
  );
}
