import { errorCodes } from '../protocol/codes';
import type { ErrorBody } from '../protocol/messages';
import { isRealtimeError } from './errors';
import type { WebSocketClient } from './websocket-client';

export type RpcReply<T = unknown> = { ok: true; result: T } | { ok: false; error: ErrorBody };

/**
 * The realtime client as the request/response transport feature helpers expect (the sync manager's
 * SyncClientTransport has this shape): `rpc` never throws, and anything the server did not answer (no connection, no
 * ack in time, dropped from the queue) comes back as UNAVAILABLE so the caller can retry with its own ids.
 */
export function createRpcTransport(client: WebSocketClient, options: { queue?: boolean } = {}) {
  return {
    async rpc<T = unknown>(method: string, params: unknown): Promise<RpcReply<T>> {
      try {
        const result = await client.rpc<T>(method, params, { queue: options.queue ?? false });
        return { ok: true, result };
      } catch (error) {
        if (isRealtimeError(error) && error.code in errorCodes)
          return {
            ok: false,
            error: { code: error.code as ErrorBody['code'], message: error.message, details: error.details },
          };
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { code: 'UNAVAILABLE', message } };
      }
    },
    subscribe(
      channel: string,
      listener: (event: string, data: unknown) => void,
      onReset?: () => void,
    ): () => void {
      return client.subscribe(channel, {
        onEvent: (e) => listener(e.event, e.data),
        ...(onReset ? { onReset: () => onReset() } : {}),
      }).unsubscribe;
    },
    onConnectionChange(listener: (connected: boolean) => void): () => void {
      let connected = client.state.status === 'open';
      return client.on('state', (state) => {
        const now = state.status === 'open';
        if (now !== connected) {
          connected = now;
          listener(now);
        }
      });
    },
    isConnected: () => client.state.status === 'open',
  };
}
