import { z } from 'zod';
import { getCatalog } from '@/lib/catalog';
import { resultResponse, withApiUser, withApiUserAndBody } from '@/lib/catalog/http';
import { getProduct } from '@/lib/db/queries/products';
import { apiError, apiJson } from '@/lib/http/api-response';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** GET /api/products/:id — 404 for a product of another tenant. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApiUser(request, async (user) => {
    const id = z.uuid().safeParse((await params).id);
    if (!id.success) return apiError('NOT_FOUND', 404);
    const product = await getProduct(getServices().database.db, user.tenantId, id.data);
    return product ? apiJson(product) : apiError('NOT_FOUND', 404);
  });
}

type Context = { params: Promise<{ id: string }> };

/** PATCH /api/products/:id — `{ expectedVersion, changes }` (admin, sales); see lib/catalog/API.md. */
export async function PATCH(request: Request, { params }: Context): Promise<Response> {
  const { id } = await params;
  return withApiUserAndBody(request, async (user, body) =>
    resultResponse(await getCatalog().products.update(user, id, body)),
  );
}

/** DELETE /api/products/:id — optional `{ expectedVersion }` body or `?expectedVersion=` (admin, sales). */
export async function DELETE(request: Request, { params }: Context): Promise<Response> {
  const { id } = await params;
  return withApiUserAndBody(request, async (user, body) => {
    const query = new URL(request.url).searchParams.get('expectedVersion');
    // The query's version joins a JSON object body; any other body is passed on for the service to refuse.
    const input =
      query === null
        ? body
        : typeof body === 'object' && body !== null && !Array.isArray(body)
          ? { ...body, expectedVersion: Number(query) }
          : { expectedVersion: Number(query) };
    return resultResponse(await getCatalog().products.remove(user, id, input));
  });
}
