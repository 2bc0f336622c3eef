import { markDeliveriesDelivered } from '@/lib/db/queries/deliveries';
import { countUnreadNotifications, listNotifications } from '@/lib/db/queries/notifications';
import { jsonResponse, withApi } from '@/lib/messaging/api/handler';

export const dynamic = 'force-dynamic';

/** GET /api/notifications — my newest 50 notifications and the unread count (they count as delivered). */
export async function GET(request: Request) {
  return withApi(request, async ({ caller, messaging }) => {
    const db = messaging.deps.db;
    const [rows, unread] = await Promise.all([
      listNotifications(db, caller.tenantId, caller.id, 50),
      countUnreadNotifications(db, caller.id),
    ]);
    // A device of mine fetched them: they reached me.
    await markDeliveriesDelivered(
      db,
      caller.id,
      'notification',
      rows.map((r) => r.id),
      new Date(),
    );
    return jsonResponse({ notifications: rows, unread });
  });
}
