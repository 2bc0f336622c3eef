import type { Redis } from 'ioredis';
import { z } from 'zod';
import { isLive, type Lease } from '../../strategies/lease';
import type { LockStore } from './lock-store';

// The owner token guards renew and release: a lease that expired and was taken by someone else is never touched.
const renewScript = `
local v = redis.call('GET', KEYS[1])
if not v then return nil end
if cjson.decode(v).token ~= ARGV[1] then return nil end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return ARGV[2]`;

const releaseScript = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
if cjson.decode(v).token ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/** A lease as every node stores it (read back with its shape checked: another version may have written it). */
const storedLease = z
  .object({
    key: z.string(),
    section: z.string(),
    userId: z.string(),
    userName: z.string(),
    token: z.string(),
    connectionId: z.string().nullable(),
    acquiredAt: z.number(),
    expiresAt: z.number(),
  })
  .loose();

function parse(raw: string | null): Lease | null {
  if (!raw) return null;
  try {
    return storedLease.safeParse(JSON.parse(raw)).data ?? null;
  } catch {
    return null;
  }
}

/** Leases as Redis keys with expiry (SET NX PX + owner token), shared by every node. */
export function createRedisLockStore(redis: Redis, prefix: string, now: () => number = Date.now): LockStore {
  const k = (key: string) => `${prefix}lock:${key}`;
  const get = async (key: string) => {
    const lease = parse(await redis.get(k(key)));
    return isLive(lease, now()) ? lease : null;
  };
  const extend = async (lease: Lease, ttlMs: number, connectionId: string | null) => {
    const next: Lease = { ...lease, connectionId, expiresAt: now() + ttlMs };
    const raw = await redis.eval(renewScript, 1, k(lease.key), lease.token, JSON.stringify(next), ttlMs);
    return raw ? next : null;
  };
  return {
    async acquire(request, ttlMs) {
      const at = now();
      const lease: Lease = { ...request, acquiredAt: at, expiresAt: at + ttlMs };
      for (let attempt = 0; attempt < 3; attempt++) {
        const set = await redis.set(k(request.key), JSON.stringify(lease), 'PX', ttlMs, 'NX');
        if (set === 'OK') return { ok: true, lease };
        const holder = parse(await redis.get(k(request.key)));
        if (!holder) continue;
        if (holder.userId !== request.userId) return { ok: false, holder };
        const renewed = await extend(holder, ttlMs, request.connectionId);
        if (renewed) return { ok: true, lease: renewed };
      }
      const holder = await get(request.key);
      return holder ? { ok: false, holder } : { ok: false, holder: lease };
    },
    async renew(key, userId, ttlMs) {
      const current = await get(key);
      if (!current || current.userId !== userId) return null;
      return extend(current, ttlMs, current.connectionId);
    },
    async release(key, userId) {
      const current = await get(key);
      if (!current || current.userId !== userId) return false;
      return (await redis.eval(releaseScript, 1, k(key), current.token)) === 1;
    },
    async forceRelease(key) {
      const current = await get(key);
      if (!current) return null;
      return (await redis.eval(releaseScript, 1, k(key), current.token)) === 1 ? current : null;
    },
    get,
    async getMany(keys) {
      if (keys.length === 0) return [];
      const raws = await redis.mget(...keys.map(k));
      return raws.map(parse).filter((lease): lease is Lease => isLive(lease, now()));
    },
    async close() {},
  };
}
