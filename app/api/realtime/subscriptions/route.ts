import type { ApiContext } from '@/lib/messaging/api/handler';
import { errorResponse, readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { subscriptionBody } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

async function change(request: Request, ctx: ApiContext, action: 'subscribe' | 'unsubscribe') {
  const body = await readJson(request, (v) => subscriptionBody.safeParse(v));
  if (!body.ok) return body.response;
  const { connectionId, channel } = body.value;
  const { caller, messaging } = ctx;
  const mine = await messaging.hub.connectionsOf(caller.tenantId, caller.id);
  if (!mine.some((c) => c.id === connectionId))
    return errorResponse('NOT_FOUND', 'No such connection of yours');
  const result = await messaging.hub[action](caller.tenantId, caller.id, connectionId, channel);
  return resultResponse(result, () => ({ connectionId, channel, subscribed: action === 'subscribe' }));
}

/** POST /api/realtime/subscriptions `{connectionId, channel}` — subscribe a connection of mine (channel rules apply). */
export async function POST(request: Request) {
  return withApi(request, (ctx) => change(request, ctx, 'subscribe'));
}

/** DELETE /api/realtime/subscriptions `{connectionId, channel}` — unsubscribe a connection of mine. */
export async function DELETE(request: Request) {
  return withApi(request, (ctx) => change(request, ctx, 'unsubscribe'));
}
