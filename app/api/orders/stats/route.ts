import { withApiUser } from '@/lib/catalog/http';
import { orderStats } from '@/lib/db/queries/orders';
import { apiJson } from '@/lib/http/api-response';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** GET /api/orders/stats — the caller's tenant's order count per status (live dashboards refetch it). */
export async function GET(request: Request) {
  return withApiUser(request, async (user) => {
    const stats = await orderStats(getServices().database.db, user.tenantId);
    return apiJson(stats.counts);
  });
}
