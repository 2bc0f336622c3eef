import { getCatalog } from '@/lib/catalog';
import { resultResponse, withApiUser, withApiUserAndBody } from '@/lib/catalog/http';

export const dynamic = 'force-dynamic';

/** The tenant's customers: `?q=&page=&pageSize=` (any signed-in role). */
export function GET(request: Request): Promise<Response> {
  return withApiUser(request, async (user) => {
    const query = Object.fromEntries(new URL(request.url).searchParams);
    return resultResponse(await getCatalog().customers.list(user, query));
  });
}

/** Create a customer (admin, sales). */
export function POST(request: Request): Promise<Response> {
  return withApiUserAndBody(request, async (user, body) =>
    resultResponse(await getCatalog().customers.create(user, body), 201),
  );
}
