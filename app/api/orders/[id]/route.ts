import { z } from 'zod';
import { withApiUser } from '@/lib/catalog/http';
import { getOrder } from '@/lib/db/queries/orders';
import { apiError, apiJson } from '@/lib/http/api-response';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** GET /api/orders/:id — 404 for an order of another tenant (its existence is not revealed). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApiUser(request, async (user) => {
    const id = z.uuid().safeParse((await params).id);
    if (!id.success) return apiError('NOT_FOUND', 404);
    const order = await getOrder(getServices().database.db, user.tenantId, id.data);
    return order ? apiJson(order) : apiError('NOT_FOUND', 404);
  });
}
