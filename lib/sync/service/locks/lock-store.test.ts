import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { redisAvailable, TEST_REDIS_URL } from '../../../../e2e/support/services';
import { lockStoreContract } from './lock-store.contract';
import { createMemoryLockStore } from './memory-lock-store';
import { createRedisLockStore } from './redis-lock-store';

lockStoreContract('memory', async () => ({ store: createMemoryLockStore(), cleanup: async () => {} }));

if (await redisAvailable()) {
  lockStoreContract('redis', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    const prefix = `osl-test-${randomUUID()}:`;
    return {
      store: createRedisLockStore(redis, prefix),
      cleanup: async () => {
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length) await redis.del(...keys);
        redis.disconnect();
      },
    };
  });
}
