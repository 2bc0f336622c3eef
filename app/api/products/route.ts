import { parseProductListParams } from '@/components/products/list-params';
import { getCatalog } from '@/lib/catalog';
import { resultResponse, withApiUser, withApiUserAndBody } from '@/lib/catalog/http';
import { listProducts } from '@/lib/db/queries/products';
import { apiJson } from '@/lib/http/api-response';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** GET /api/products?q=&category=&low=1&page=&pageSize= — the caller's tenant only. */
export async function GET(request: Request) {
  return withApiUser(request, async (user) => {
    const filter = parseProductListParams(new URL(request.url).searchParams);
    return apiJson(await listProducts(getServices().database.db, user.tenantId, filter));
  });
}

/** POST /api/products — create a product (admin, sales); see lib/catalog/API.md. */
export function POST(request: Request): Promise<Response> {
  return withApiUserAndBody(request, async (user, body) =>
    resultResponse(await getCatalog().products.create(user, body), 201),
  );
}
