import { errorResponse, readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { readBody, uuid } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** POST /api/conversations/:id/read `{uptoSeq?}` — I saw the conversation (read receipts, unread back to 0). */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApi(request, async ({ caller, messaging }) => {
    const id = uuid.safeParse((await params).id);
    if (!id.success) return errorResponse('NOT_FOUND');
    const body = await readJson(request, (v) => readBody.safeParse(v));
    if (!body.ok) return body.response;
    return resultResponse(await messaging.messages.markRead(caller, id.data, body.value.uptoSeq));
  });
}
