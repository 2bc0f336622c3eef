import { getCatalog } from '@/lib/catalog';
import { resultResponse, withApiUserAndBody } from '@/lib/catalog/http';

type Context = { params: Promise<{ id: string }> };

/** Move an order along the status table: `{ status, expectedVersion? }` (admin, sales). */
export async function POST(request: Request, { params }: Context): Promise<Response> {
  const { id } = await params;
  return withApiUserAndBody(request, async (user, body) =>
    resultResponse(await getCatalog().orders.changeStatus(user, id, body)),
  );
}
