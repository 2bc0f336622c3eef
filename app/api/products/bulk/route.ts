import { getCatalog } from '@/lib/catalog';
import { resultResponse, withApiUserAndBody } from '@/lib/catalog/http';

/** One operation over up to 500 products, all or nothing: `{ ids, operation }` (admin, sales). */
export function POST(request: Request): Promise<Response> {
  return withApiUserAndBody(request, async (user, body) =>
    resultResponse(await getCatalog().products.bulkUpdate(user, body)),
  );
}
