import { readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { typingBody } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** POST /api/realtime/typing `{conversationId, typing}` — my typing state (expires on the server by itself). */
export async function POST(request: Request) {
  return withApi(request, async ({ caller, messaging }) => {
    const body = await readJson(request, (v) => typingBody.safeParse(v));
    if (!body.ok) return body.response;
    return resultResponse(await messaging.typing.set(caller, body.value.conversationId, body.value.typing));
  });
}
