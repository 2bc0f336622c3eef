import type { z } from 'zod';
import { type SyncMethod, syncParams } from '../protocol';
import type { SyncContext, SyncResult } from './context';
import type { SyncService } from './sync-service';
import type { SyncTransport } from './transport';

type Handler<M extends SyncMethod> = (
  ctx: SyncContext,
  params: z.infer<(typeof syncParams)[M]>,
) => Promise<SyncResult<unknown>>;

/** Every sync RPC method with its handler; `register` wires them to a transport, tests call them directly. */
export function syncHandlers(service: SyncService): { [M in SyncMethod]: Handler<M> } {
  return {
    'sync.open': service.open,
    'sync.push': service.push,
    'sync.pull': service.pull,
    'sync.diverged': service.diverged,
    'sync.undo': service.undo,
    'sync.redo': service.redo,
    'sync.history': service.history,
    'lock.acquire': service.acquireLock,
    'lock.renew': service.renewLock,
    'lock.release': service.releaseLock,
    'lock.forceRelease': service.forceReleaseLock,
    'conflict.list': service.listConflicts,
    'conflict.count': service.countConflicts,
    'conflict.resolve': service.resolveConflict,
    'policy.get': service.getPolicy,
    'policy.set': service.setPolicy,
  };
}

/** Validates and dispatches one call by name (params are parsed with the method's zod schema first). */
export async function dispatchSyncRpc(
  handlers: ReturnType<typeof syncHandlers>,
  ctx: SyncContext,
  method: string,
  params: unknown,
): Promise<SyncResult<unknown>> {
  if (!(method in syncParams)) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: method } };
  const name = method as SyncMethod;
  const parsed = syncParams[name].safeParse(params);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'VALIDATION', message: parsed.error.issues[0]?.message ?? 'Invalid params' },
    };
  }
  const handler = handlers[name] as (ctx: SyncContext, params: unknown) => Promise<SyncResult<unknown>>;
  return handler(ctx, parsed.data);
}

/** Registers the sync RPC methods on the hub; the lead calls this from lib/server/start.ts. */
export function registerSyncRpc(
  transport: SyncTransport,
  service: SyncService,
  /** A push routed elsewhere first (to the order's owner node, `order-owner.ts`). */
  route: { push?: Handler<'sync.push'> } = {},
): void {
  const handlers = { ...syncHandlers(service), ...(route.push ? { 'sync.push': route.push } : {}) };
  for (const method of Object.keys(syncParams) as SyncMethod[]) {
    const handler = handlers[method] as (ctx: SyncContext, params: unknown) => Promise<SyncResult<unknown>>;
    transport.registerRpc(method, syncParams[method], handler);
  }
  transport.onConnectionClosed?.((ctx) => {
    if (ctx.connectionId) void service.releaseConnection(ctx.connectionId, ctx.user);
  });
}
