import { z } from 'zod';
import { requireApiUser } from '@/lib/auth/current-user';
import { getProduct } from '@/lib/db/queries/products';
import { apiError, apiJson } from '@/lib/http/api-response';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** GET /api/products/:id — 404 for a product of another tenant. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await requireApiUser(request);
  if (!auth.ok) return auth.response;
  const id = z.uuid().safeParse((await params).id);
  if (!id.success) return apiError('NOT_FOUND', 404);
  const product = await getProduct(getServices().database.db, auth.user.tenantId, id.data);
  return product ? apiJson(product) : apiError('NOT_FOUND', 404);
}
