import { errorResponse, readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { messageBody, uuid } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';
type Params = { params: Promise<{ id: string; messageId: string }> };

async function ids(params: Params['params']) {
  const { id, messageId } = await params;
  const conversationId = uuid.safeParse(id);
  const message = uuid.safeParse(messageId);
  return conversationId.success && message.success
    ? { conversationId: conversationId.data, id: message.data }
    : null;
}

/** PATCH /api/conversations/:id/messages/:messageId `{body}` — the author edits (403 for anyone else). */
export async function PATCH(request: Request, { params }: Params) {
  return withApi(request, async ({ caller, messaging }) => {
    const target = await ids(params);
    if (!target) return errorResponse('NOT_FOUND');
    const body = await readJson(request, (v) => messageBody.safeParse(v));
    if (!body.ok) return body.response;
    const result = await messaging.messages.edit(caller, target.id, body.value.body);
    if (result.ok && result.value.conversationId !== target.conversationId) return errorResponse('NOT_FOUND');
    return resultResponse(result, (message) => ({ message }));
  });
}

/** DELETE /api/conversations/:id/messages/:messageId — the author deletes (the message stays as "deleted"). */
export async function DELETE(request: Request, { params }: Params) {
  return withApi(request, async ({ caller, messaging }) => {
    const target = await ids(params);
    if (!target) return errorResponse('NOT_FOUND');
    return resultResponse(await messaging.messages.remove(caller, target.id), (message) => ({ message }));
  });
}
