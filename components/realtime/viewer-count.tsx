'use client';

import { useTranslation } from 'react-i18next';
import { usePresence, useRoomPresence } from '@/lib/hooks';
import type { Member } from '@/lib/realtime/protocol/messages';

export type ViewerCountProps =
  /** On the entity's own page: joins the room ("product:7") and counts who is in it. */
  | { channel: string; page?: never; className?: string }
  /** In a list: counts, without joining anything, the people whose current page is `page` (tenant presence). */
  | { page: string; channel?: never; className?: string };

/** "N people viewing", live. */
export function ViewerCount(props: ViewerCountProps) {
  return props.channel ? (
    <RoomViewerCount channel={props.channel} className={props.className} />
  ) : (
    <PageViewerCount page={props.page!} className={props.className} />
  );
}

function RoomViewerCount({ channel, className }: { channel: string; className?: string }) {
  const { activeUsers, currentUser } = useRoomPresence(channel);
  const selfIncluded = activeUsers.some((m) => m.userId === currentUser?.id);
  return <ViewerLabel count={activeUsers.length} selfIncluded={selfIncluded} className={className} />;
}

function PageViewerCount({ page, className }: { page: string; className?: string }) {
  const { activeUsers } = usePresence();
  return <ViewerLabel count={countOnPage(activeUsers, page)} className={className} />;
}

/** The people with `page` open in any of their tabs (a server that does not list pages: in their newest tab). */
export function countOnPage(members: readonly Member[], page: string): number {
  return members.filter((m) => (m.pages ? m.pages.includes(page) : m.location?.page === page)).length;
}

/** The text for a count; nothing when nobody is viewing (and "only you" when the count is just this user). */
export function ViewerLabel({
  count,
  selfIncluded = false,
  className = '',
}: {
  count: number;
  selfIncluded?: boolean;
  className?: string;
}) {
  const { t } = useTranslation('realtime');
  if (count === 0) return null;
  const text =
    count === 1 ? (selfIncluded ? t('viewers.onlyYou') : t('viewers.one')) : t('viewers.many', { count });
  return (
    <span
      aria-live="polite"
      className={`inline-flex items-center gap-1 text-xs text-slate-600 tabular ${className}`}
      data-viewers={count}
    >
      <svg aria-hidden viewBox="0 0 20 20" className="size-3.5 fill-current">
        <path d="M10 4C5 4 1.7 8.1 1 10c.7 1.9 4 6 9 6s8.3-4.1 9-6c-.7-1.9-4-6-9-6Zm0 10a4 4 0 1 1 0-8 4 4 0 0 1 0 8Zm0-6a2 2 0 1 0 0 4 2 2 0 0 0 0-4Z" />
      </svg>
      {text}
    </span>
  );
}
