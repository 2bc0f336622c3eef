import type { Db } from '../db/create-db';
import { insertDeliveriesAt } from '../db/queries/deliveries';
import { insertNotification } from '../db/queries/notifications';
import type { RealtimePort } from '../messaging/ports';
import { NOTIFICATION_EVENT, type NotificationView } from './contract';

export type { NotificationView };

export type Notifier = {
  notify(
    tenantId: string,
    userId: string,
    kind: string,
    payload: Record<string, unknown>,
  ): Promise<NotificationView>;
};

/** Persists a notification, records its delivery and publishes it on the recipient's private channel. */
export function createNotifier(deps: { db: Db; realtime: RealtimePort; now?: () => number }): Notifier {
  const now = deps.now ?? Date.now;
  return {
    async notify(tenantId, userId, kind, payload) {
      const row = await insertNotification(deps.db, { tenantId, userId, kind, payload });
      const channel = `user:${userId}`;
      await insertDeliveriesAt(
        deps.db,
        [{ tenantId, userId, kind: 'notification', refId: row.id, channel }],
        new Date(now()),
      );
      const presence = await deps.realtime.userStatus(tenantId, userId);
      const view: NotificationView = {
        id: row.id,
        kind: row.kind,
        payload: row.payload,
        createdAt: row.createdAt.toISOString(),
        readAt: null,
        silent: presence?.status === 'busy',
      };
      await deps.realtime.publish({ tenantId, channel, event: NOTIFICATION_EVENT, data: view });
      return view;
    },
  };
}
