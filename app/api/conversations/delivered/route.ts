import { readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { deliveredBody } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** POST /api/conversations/delivered `{messageIds?}` — a device of mine received these (all pending when absent). */
export async function POST(request: Request) {
  return withApi(request, async ({ caller, messaging }) => {
    const body = await readJson(request, (v) => deliveredBody.safeParse(v));
    if (!body.ok) return body.response;
    return resultResponse(await messaging.messages.markDelivered(caller, body.value.messageIds));
  });
}
