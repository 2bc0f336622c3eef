import { requireApiUser } from '@/lib/auth/current-user';
import { orderStats } from '@/lib/db/queries/orders';
import { apiJson } from '@/lib/http/api-response';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** GET /api/orders/stats — the caller's tenant's order count per status (live dashboards refetch it). */
export async function GET(request: Request) {
  const auth = await requireApiUser(request);
  if (!auth.ok) return auth.response;
  const stats = await orderStats(getServices().database.db, auth.user.tenantId);
  return apiJson(stats.counts);
}
