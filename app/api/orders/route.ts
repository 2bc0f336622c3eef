import { parseOrderListParams } from '@/components/orders/list-params';
import { requireApiUser } from '@/lib/auth/current-user';
import { listOrders } from '@/lib/db/queries/orders';
import { apiJson } from '@/lib/http/api-response';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** GET /api/orders?status=&q=&page=&pageSize= — the caller's tenant only. */
export async function GET(request: Request) {
  const auth = await requireApiUser(request);
  if (!auth.ok) return auth.response;
  const filter = parseOrderListParams(new URL(request.url).searchParams);
  return apiJson(await listOrders(getServices().database.db, auth.user.tenantId, filter));
}
