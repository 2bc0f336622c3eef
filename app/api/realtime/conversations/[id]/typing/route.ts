import { errorResponse, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { uuid } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** GET /api/realtime/conversations/:id/typing — who is typing there now (participants only). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApi(request, async ({ caller, messaging }) => {
    const id = uuid.safeParse((await params).id);
    if (!id.success) return errorResponse('NOT_FOUND');
    return resultResponse(await messaging.typing.list(caller, id.data), (typists) => ({ typists }));
  });
}
