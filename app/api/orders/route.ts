import { parseOrderListParams } from '@/components/orders/list-params';
import { getCatalog } from '@/lib/catalog';
import { resultResponse, withApiUser, withApiUserAndBody } from '@/lib/catalog/http';
import { listOrders } from '@/lib/db/queries/orders';
import { apiJson } from '@/lib/http/api-response';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** GET /api/orders?status=&q=&page=&pageSize= — the caller's tenant only. */
export async function GET(request: Request) {
  return withApiUser(request, async (user) => {
    const filter = parseOrderListParams(new URL(request.url).searchParams);
    return apiJson(await listOrders(getServices().database.db, user.tenantId, filter));
  });
}

/** POST /api/orders — a new draft order (admin, sales); see lib/catalog/API.md. */
export function POST(request: Request): Promise<Response> {
  return withApiUserAndBody(request, async (user, body) =>
    resultResponse(await getCatalog().orders.create(user, body), 201),
  );
}
