import { jsonResponse, readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { createConversationBody } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** GET /api/conversations — mine, newest activity first, with unread counts and participants. */
export async function GET(request: Request) {
  return withApi(request, async ({ caller, messaging }) =>
    jsonResponse({ conversations: await messaging.conversations.list(caller) }),
  );
}

/** POST /api/conversations — `{kind:'direct', userId}`, `{kind:'group', name, memberIds, orderId?}` or `{kind:'order', orderId}`. */
export async function POST(request: Request) {
  return withApi(request, async ({ caller, messaging }) => {
    const body = await readJson(request, (v) => createConversationBody.safeParse(v));
    if (!body.ok) return body.response;
    const input = body.value;
    const result =
      input.kind === 'direct'
        ? await messaging.conversations.createDirect(caller, input.userId)
        : input.kind === 'group'
          ? await messaging.conversations.createGroup(caller, input)
          : await messaging.conversations.openForOrder(caller, input.orderId);
    return resultResponse(result, (conversation) => ({ conversation }), 201);
  });
}
