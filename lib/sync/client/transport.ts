import type { ErrorCode } from '../../realtime/protocol/codes';

export type RpcReply<T = unknown> =
  | { ok: true; result: T }
  | { ok: false; error: { code: ErrorCode | 'UNAVAILABLE'; message: string; details?: unknown } };

/**
 * What the sync manager needs from the realtime client: request/response, channel events and the connection.
 * `rpc` never throws: a lost connection answers `UNAVAILABLE` (the manager retries with the same change ids).
 */
export interface SyncClientTransport {
  rpc<T = unknown>(method: string, params: unknown): Promise<RpcReply<T>>;
  /** `onReset`: the realtime layer could not replay what the channel missed (`recovered: false`). */
  subscribe(
    channel: string,
    listener: (event: string, data: unknown) => void,
    onReset?: () => void,
  ): () => void;
  onConnectionChange(listener: (connected: boolean) => void): () => void;
  isConnected(): boolean;
}

/** Timers and clock, injected so throttling and lock renewal are tested without sleeping. */
export type SyncClock = {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const systemClock: SyncClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
