import type { InboxItem } from '@/lib/notifications/contract';

/** How many notifications the bell keeps on screen. */
export const INBOX_SIZE = 50;

/**
 * The bell's state after an inbox read, keeping what arrived live while the read was in flight: the read may
 * have been taken before those were written, and dropping them would lose them from the count until the next
 * reload.
 */
export function mergeInbox(
  read: { notifications: InboxItem[]; unread: number },
  arrivedDuringRead: Iterable<InboxItem>,
): { items: InboxItem[]; unread: number } {
  const known = new Set(read.notifications.map((item) => item.id));
  const missed = [...arrivedDuringRead].filter((item) => !known.has(item.id));
  return {
    items: [...missed, ...read.notifications].slice(0, INBOX_SIZE),
    unread: read.unread + missed.filter((item) => !item.readAt).length,
  };
}
