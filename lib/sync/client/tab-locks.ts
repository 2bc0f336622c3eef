/**
 * The little of the Web Locks API and BroadcastChannel that the outbox needs to share one browser between tabs:
 * named exclusive locks that the browser releases when a tab closes or crashes, and a per-order channel on which a
 * tab says it has saved edits. `createBrowserTabLocks` is the real thing; `createMemoryTabLocks` gives Node tests
 * the same semantics inside one process (a "tab" releases its locks when its manager stops).
 */
export type HeldLock = { release(): void };

export interface TabLocks {
  /**
   * Takes the named lock. `ifAvailable`: answers null at once when another holder has it; otherwise waits in line.
   * An aborted wait answers null.
   */
  acquire(name: string, options?: { ifAvailable?: boolean; signal?: AbortSignal }): Promise<HeldLock | null>;
  post(channel: string): void;
  listen(channel: string, listener: () => void): () => void;
}

type LockManagerLike = {
  request(
    name: string,
    options: { ifAvailable?: boolean; signal?: AbortSignal },
    callback: (lock: unknown) => Promise<void> | null,
  ): Promise<unknown>;
};

/** Web Locks + BroadcastChannel; null where the browser has neither (then each tab keeps only its own outbox). */
export function createBrowserTabLocks(): TabLocks | null {
  if (typeof navigator === 'undefined' || !('locks' in navigator)) return null;
  const locks = navigator.locks as LockManagerLike;
  const channels = new Map<string, BroadcastChannel>();
  const channelOf = (name: string) => {
    let channel = channels.get(name);
    if (!channel) {
      channel = new BroadcastChannel(name);
      channels.set(name, channel);
    }
    return channel;
  };
  return {
    acquire(name, options = {}) {
      return new Promise((resolve) => {
        locks
          .request(name, options, (lock) => {
            if (!lock) {
              resolve(null);
              return null;
            }
            // Held until released (or the tab goes away).
            return new Promise<void>((release) => resolve({ release: () => release() }));
          })
          .catch(() => resolve(null));
      });
    },
    post(channel) {
      if (typeof BroadcastChannel === 'undefined') return;
      channelOf(channel).postMessage('saved');
    },
    listen(channel, listener) {
      if (typeof BroadcastChannel === 'undefined') return () => {};
      // A channel object does not hear its own messages: listen on a second one.
      const receiver = new BroadcastChannel(channel);
      receiver.onmessage = () => listener();
      return () => receiver.close();
    },
  };
}

/** Exclusive locks and channels within one process: the same semantics for tests and the fuzz suite. */
export function createMemoryTabLocks(): TabLocks {
  const holders = new Set<string>();
  const waiting = new Map<string, (() => boolean)[]>();
  const listeners = new Map<string, Set<() => void>>();
  const grant = (name: string): HeldLock => {
    holders.add(name);
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        holders.delete(name);
        const queue = waiting.get(name) ?? [];
        // The first waiter still waiting takes it.
        while (queue.length > 0 && !queue.shift()!());
      },
    };
  };
  return {
    acquire(name, options = {}) {
      if (!holders.has(name)) return Promise.resolve(grant(name));
      if (options.ifAvailable || options.signal?.aborted) return Promise.resolve(null);
      return new Promise((resolve) => {
        let done = false;
        const take = () => {
          if (done) return false;
          done = true;
          resolve(grant(name));
          return true;
        };
        const queue = waiting.get(name) ?? [];
        queue.push(take);
        waiting.set(name, queue);
        options.signal?.addEventListener('abort', () => {
          if (done) return;
          done = true;
          resolve(null);
        });
      });
    },
    post(channel) {
      for (const listener of [...(listeners.get(channel) ?? [])]) queueMicrotask(listener);
    },
    listen(channel, listener) {
      const set = listeners.get(channel) ?? new Set();
      set.add(listener);
      listeners.set(channel, set);
      return () => set.delete(listener);
    },
  };
}
