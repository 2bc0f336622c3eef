/**
 * Everything the client takes from its surroundings, injectable so unit tests run on fake timers and a fake socket,
 * and so the same client runs in the browser and in Node (where `ws`'s WebSocket carries the session cookie).
 */

/** The part of the WebSocket API the client uses; both the browser's WebSocket and `ws` satisfy it. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type SocketFactory = (url: string) => SocketLike;

export type Timers = {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
};

/** Network reachability: `navigator.onLine` and the `online`/`offline` events in a browser, always online elsewhere. */
export type NetworkMonitor = {
  isOnline(): boolean;
  subscribe(onOnline: () => void, onOffline: () => void): () => void;
};

export const SOCKET_OPEN = 1;

/** Resolved at call time so fake timers installed after the client was made still apply. */
export const defaultTimers: Timers = {
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

type BrowserGlobals = {
  navigator?: { onLine?: boolean };
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
};

export function browserNetworkMonitor(): NetworkMonitor {
  const g = globalThis as BrowserGlobals;
  return {
    isOnline: () => g.navigator?.onLine !== false,
    subscribe(onOnline, onOffline) {
      if (!g.addEventListener || !g.removeEventListener) return () => {};
      g.addEventListener('online', onOnline);
      g.addEventListener('offline', onOffline);
      return () => {
        g.removeEventListener?.('online', onOnline);
        g.removeEventListener?.('offline', onOffline);
      };
    },
  };
}

export function defaultSocketFactory(): SocketFactory {
  const Constructor = (globalThis as { WebSocket?: new (url: string) => SocketLike }).WebSocket;
  return (url) => {
    if (!Constructor)
      throw new Error('No global WebSocket: pass createSocket (for Node, use the ws package)');
    return new Constructor(url);
  };
}

/** Text of a message event: browsers give strings, `ws` may give a Buffer or ArrayBuffer. */
export function frameText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
  if (ArrayBuffer.isView(data)) return new TextDecoder().decode(data);
  return null;
}
