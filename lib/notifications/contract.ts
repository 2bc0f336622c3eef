import { z } from 'zod';

/**
 * The notifications contract (browser-safe: zod only): the `notification` event on `user:{id}` and the inbox answer
 * of `GET /api/notifications`. The notifier publishes `NotificationView`; the bell and the messaging bridge parse
 * it where it enters (lib/wire/edge.ts).
 */
export const inboxItem = z.object({
  id: z.string(),
  kind: z.string(),
  payload: z.record(z.string(), z.unknown()),
  /** ISO time. */
  createdAt: z.string(),
  readAt: z.string().nullable(),
});
export type InboxItem = z.infer<typeof inboxItem>;

/** The `notification` event: an inbox item, and whether the recipient was busy (inbox only, no toast). */
export const notificationView = inboxItem.extend({ silent: z.boolean() });
export type NotificationView = z.infer<typeof notificationView>;

export const NOTIFICATION_EVENT = 'notification';

export const inboxAnswer = z.object({
  notifications: z.array(inboxItem),
  unread: z.number().int().nonnegative(),
});
