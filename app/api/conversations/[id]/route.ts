import { errorResponse, readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { renameBody, uuid } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';
type Params = { params: Promise<{ id: string }> };

/** GET /api/conversations/:id — participants only (404 for anyone else). */
export async function GET(request: Request, { params }: Params) {
  return withApi(request, async ({ caller, messaging }) => {
    const id = uuid.safeParse((await params).id);
    if (!id.success) return errorResponse('NOT_FOUND');
    return resultResponse(await messaging.conversations.get(caller, id.data), (conversation) => ({
      conversation,
    }));
  });
}

/** PATCH /api/conversations/:id `{name}` — rename a group (creator or admin). */
export async function PATCH(request: Request, { params }: Params) {
  return withApi(request, async ({ caller, messaging }) => {
    const id = uuid.safeParse((await params).id);
    if (!id.success) return errorResponse('NOT_FOUND');
    const body = await readJson(request, (v) => renameBody.safeParse(v));
    if (!body.ok) return body.response;
    return resultResponse(
      await messaging.conversations.rename(caller, id.data, body.value.name),
      (conversation) => ({
        conversation,
      }),
    );
  });
}
