import type { Hub } from '../realtime/server';
import { RealtimeError } from '../realtime/server/errors';
import type { CommentService, CommentUser } from './service';
import { type CommentMethod, commentParams } from './types';

/** Every comment RPC with its handler; tests call them directly, `registerCommentRpcs` wires them to the hub. */
export function commentHandlers(service: CommentService) {
  return {
    'comments.list': service.list,
    'comments.directory': service.directory,
    'comments.create': service.create,
    'comments.reply': service.reply,
    'comments.edit': service.edit,
    'comments.delete': service.remove,
    'comments.resolve': service.resolve,
    'comments.reopen': service.reopen,
    'comments.typing': service.typing,
  } satisfies Record<CommentMethod, unknown>;
}

export function registerCommentRpcs(hub: Pick<Hub, 'registerRpc'>, service: CommentService): void {
  const handlers = commentHandlers(service) as Record<
    CommentMethod,
    (
      user: CommentUser,
      params: unknown,
    ) => Promise<{ ok: true; value: unknown } | { ok: false; code: never; message: string }>
  >;
  for (const method of Object.keys(commentParams) as CommentMethod[]) {
    hub.registerRpc(method, commentParams[method], async (ctx, params) => {
      const result = await handlers[method](ctx.user, params);
      if (!result.ok) throw new RealtimeError(result.code, result.message);
      return result.value;
    });
  }
}
