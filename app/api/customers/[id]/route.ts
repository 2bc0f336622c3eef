import { getCatalog } from '@/lib/catalog';
import { resultResponse, withApiUser, withApiUserAndBody } from '@/lib/catalog/http';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ id: string }> };

/** One customer (any signed-in role of the tenant). */
export async function GET(request: Request, { params }: Context): Promise<Response> {
  const { id } = await params;
  return withApiUser(request, async (user) => resultResponse(await getCatalog().customers.get(user, id)));
}

/** Edit a customer: `{ expectedVersion, changes }` (admin, sales). */
export async function PATCH(request: Request, { params }: Context): Promise<Response> {
  const { id } = await params;
  return withApiUserAndBody(request, async (user, body) =>
    resultResponse(await getCatalog().customers.update(user, id, body)),
  );
}
