import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createMemoryTypingStore,
  createRedisTypingStore,
  type TypingStore,
} from '../../lib/messaging/typing-store';
import { redisAvailable, TEST_REDIS_URL } from '../support/services';
import { uniquePrefix } from './realtime-helpers';

const haveRedis = await redisAvailable();
const prefix = uniquePrefix();
const redis = haveRedis ? new Redis(TEST_REDIS_URL) : undefined;
redis?.on('error', () => {});

afterAll(async () => {
  if (!redis) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

const backends: [string, boolean, () => TypingStore][] = [
  ['memory', true, () => createMemoryTypingStore()],
  ['redis', haveRedis, () => createRedisTypingStore(redis!, prefix, 30_000)],
];

describe.each(backends)('typing store on %s', (_name, available, create) => {
  it.skipIf(!available)('keeps typists per conversation until they stop or expire', async () => {
    const store = create();
    const a = { tenantId: 't1', conversationId: 'c1' };
    const b = { tenantId: 't1', conversationId: 'c2' };
    const now = 1_000_000;
    await store.set(a, 'u1', now + 5000);
    await store.set(a, 'u2', now + 1000);
    await store.set(b, 'u3', now + 5000);
    expect((await store.list(a, now)).map((e) => e.userId).sort()).toEqual(['u1', 'u2']);
    expect(await store.list(a, now + 2000)).toEqual([{ userId: 'u1', expiresAt: now + 5000 }]);
    expect(await store.clear(a, 'u1')).toBe(true);
    expect(await store.clear(a, 'u1')).toBe(false);
    expect(await store.list(a, now)).toEqual([]);
    expect((await store.list(b, now)).map((e) => e.userId)).toEqual(['u3']);
    // A refresh moves the expiry forward.
    await store.set(b, 'u3', now + 9000);
    expect(await store.list(b, now + 6000)).toEqual([{ userId: 'u3', expiresAt: now + 9000 }]);
    await store.close();
  });
});

describe.skipIf(!haveRedis)('typing store on redis only', () => {
  it('gives the Redis key a TTL so an abandoned room disappears', async () => {
    const store = createRedisTypingStore(redis!, prefix, 30_000);
    await store.set({ tenantId: 't9', conversationId: 'c9' }, 'u9', Date.now() + 5000);
    const ttl = await redis!.pttl(`${prefix}:typing:t9:c9`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });
});
