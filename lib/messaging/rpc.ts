import { z } from 'zod';
import { markDeliveriesDelivered } from '../db/queries/deliveries';
import type { Hub, RpcContext } from '../realtime/server';
import { RealtimeError } from '../realtime/server/errors';
import type { Caller } from './deps';
import type { Messaging } from './index';
import type { Result } from './result';

const callerOf = (ctx: RpcContext): Caller => ({
  id: ctx.user.id,
  tenantId: ctx.user.tenantId,
  name: ctx.user.name,
  role: ctx.user.role,
});

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new RealtimeError(result.code, result.message);
  return result.value;
}

/** The socket side of messaging: typing, delivered and read receipts, notification acknowledgements. */
export function registerMessagingRpcs(hub: Hub, messaging: Messaging): void {
  hub.registerRpc(
    'messaging.typing',
    z.object({ conversationId: z.uuid(), typing: z.boolean() }),
    async (ctx, params) =>
      unwrap(await messaging.typing.set(callerOf(ctx), params.conversationId, params.typing)),
  );
  hub.registerRpc(
    'messaging.delivered',
    z.object({ messageIds: z.array(z.uuid()).max(500).optional() }),
    async (ctx, params) => unwrap(await messaging.messages.markDelivered(callerOf(ctx), params.messageIds)),
  );
  hub.registerRpc(
    'messaging.read',
    z.object({ conversationId: z.uuid(), uptoSeq: z.number().int().positive().optional() }),
    async (ctx, params) =>
      unwrap(await messaging.messages.markRead(callerOf(ctx), params.conversationId, params.uptoSeq)),
  );
  hub.registerRpc(
    'notifications.delivered',
    z.object({ ids: z.array(z.uuid()).min(1).max(500) }),
    async (ctx, params) => ({
      delivered: await markDeliveriesDelivered(
        messaging.deps.db,
        ctx.user.id,
        'notification',
        params.ids,
        new Date(),
      ),
    }),
  );
}
