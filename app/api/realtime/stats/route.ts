import { deliveryCounts } from '@/lib/db/queries/deliveries';
import { jsonResponse, withApi } from '@/lib/messaging/api/handler';

export const dynamic = 'force-dynamic';

/** GET /api/realtime/stats — admins: connections, unique users and the delivery audit of the tenant. */
export async function GET(request: Request) {
  return withApi(
    request,
    async ({ caller, messaging }) => {
      const [hub, deliveries] = await Promise.all([
        messaging.hub.stats(caller.tenantId),
        deliveryCounts(messaging.deps.db, caller.tenantId),
      ]);
      return jsonResponse({
        connections: { total: hub.totalConnections, active: hub.activeConnections },
        uniqueUsers: hub.uniqueUsers,
        deliveries,
      });
    },
    { roles: ['admin'] },
  );
}
