import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe } from 'vitest';
import { redisAvailable, TEST_REDIS_URL } from '../../../e2e/support/services';
import { runBackendContracts } from './contract';
import { RedisBus } from './redis-bus';
import { RedisConnections } from './redis-connections';
import { RedisDedupe } from './redis-dedupe';
import { RedisHistory } from './redis-history';
import { RedisPresence } from './redis-presence';

const available = await redisAvailable();
const prefix = `osltest-contract-${process.pid}-${Date.now().toString(36)}`;
const logger = pino({ level: 'silent' });
const clients: Redis[] = [];

function client(): Redis {
  const redis = new Redis(TEST_REDIS_URL);
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

describe.skipIf(!available)('redis backends', () => {
  afterAll(async () => {
    const redis = client();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    for (const c of clients) c.disconnect();
  });

  runBackendContracts('redis', () => {
    const run = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
    return {
      bus: (nodeId) => new RedisBus(client(), TEST_REDIS_URL, run, nodeId, logger),
      history: (options) => new RedisHistory(client(), run, options),
      presence: (ttl) => new RedisPresence(client(), run, ttl),
      dedupe: (ttl) => new RedisDedupe(client(), run, ttl),
      connections: () => new RedisConnections(client(), run),
    };
  });
});
