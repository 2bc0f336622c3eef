import { acquireLease, isLive, type Lease, releaseLease, renewLease } from '../../strategies/lease';
import type { LockStore } from './lock-store';

/** Leases in a Map, judged by an injected clock (one node only). */
export function createMemoryLockStore(now: () => number = Date.now): LockStore {
  const leases = new Map<string, Lease>();
  const live = (key: string) => {
    const lease = leases.get(key) ?? null;
    if (lease && !isLive(lease, now())) {
      leases.delete(key);
      return null;
    }
    return lease;
  };
  return {
    async acquire(request, ttlMs) {
      const result = acquireLease(live(request.key), request, now(), ttlMs);
      if (result.ok) leases.set(request.key, result.lease);
      return result;
    },
    async renew(key, userId, ttlMs) {
      const current = live(key);
      if (!current || current.userId !== userId) return null;
      const next = renewLease(current, current.token, now(), ttlMs);
      if (next) leases.set(key, next);
      return next;
    },
    async release(key, userId) {
      const current = live(key);
      if (!current || current.userId !== userId || !releaseLease(current, current.token, now())) return false;
      leases.delete(key);
      return true;
    },
    async forceRelease(key) {
      const current = live(key);
      leases.delete(key);
      return current;
    },
    async get(key) {
      return live(key);
    },
    async getMany(keys) {
      return keys.map(live).filter((lease): lease is Lease => lease !== null);
    },
    async close() {
      leases.clear();
    },
  };
}
