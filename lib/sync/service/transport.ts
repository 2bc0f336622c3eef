import type { z } from 'zod';
import type { SyncContext, SyncError } from './context';

/**
 * What the sync service needs from the realtime hub: RPC registration, publishing, and word of closed
 * connections. The hub (`realtime.hub.registerRpc`, `realtime.publish`) satisfies it through a thin adapter.
 */
export interface SyncTransport {
  registerRpc<S extends z.ZodType>(
    method: string,
    schema: S,
    handler: (
      ctx: SyncContext,
      params: z.infer<S>,
    ) => Promise<{ ok: true; value: unknown } | { ok: false; error: SyncError }>,
  ): void;
  onConnectionClosed?(handler: (ctx: SyncContext) => void): void;
}
