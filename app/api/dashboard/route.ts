import { withApiUser } from '@/lib/catalog/http';
import { dashboardSummary } from '@/lib/db/queries/dashboard';
import { apiJson } from '@/lib/http/api-response';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** GET /api/dashboard — the caller's tenant's revenue, newest orders and low stock (the live dashboard refetches it). */
export async function GET(request: Request) {
  return withApiUser(request, async (user) => {
    const { counts: _counts, ...summary } = await dashboardSummary(getServices().database.db, user.tenantId);
    return apiJson(summary);
  });
}
