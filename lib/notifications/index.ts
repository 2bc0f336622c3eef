import { getServices } from '../server/services';
import type { NotificationView, Notifier } from './notifier';

export { createNotifier } from './notifier';
export type { NotificationView, Notifier };

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
  const messaging = getServices().messaging;
  if (!messaging) throw new Error('Notifications are not registered: start the app through createApp');
  return messaging.notifier.notify(tenantId, userId, kind, payload);
}
