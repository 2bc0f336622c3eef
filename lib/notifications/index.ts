import type { NotificationView, Notifier } from './notifier';

export { createNotifier } from './notifier';
export type { NotificationView, Notifier };

const KEY = Symbol.for('omni-sales-live.notifier');
type Holder = { [KEY]?: Notifier };

/** Called once per process by the messaging registration. */
export function registerNotifier(notifier: Notifier): void {
  (globalThis as Holder)[KEY] = notifier;
}

/**
 * The one call other features use (mentions, conflicts, …): persists the notification and publishes it on
 * `user:{userId}` as event `notification`. Throws when messaging has not been registered in this process.
 */
export function notify(
  tenantId: string,
  userId: string,
  kind: string,
  payload: Record<string, unknown>,
): Promise<NotificationView> {
  const notifier = (globalThis as Holder)[KEY];
  if (!notifier) throw new Error('Notifications are not registered: call registerMessaging at start');
  return notifier.notify(tenantId, userId, kind, payload);
}
