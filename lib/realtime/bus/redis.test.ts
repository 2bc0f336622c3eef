import type { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAvailable, TEST_REDIS_URL } from '../../../e2e/support/services';
import { runBackendContracts } from './contract';
import { RedisBus } from './redis-bus';
import { connectRedis } from './redis-connection';
import { RedisConnections } from './redis-connections';
import { RedisDedupe } from './redis-dedupe';
import { RedisHistory } from './redis-history';
import { RedisPresence } from './redis-presence';

const available = await redisAvailable();
const prefix = `osltest-contract-${process.pid}-${Date.now().toString(36)}`;
const logger = pino({ level: 'silent' });
const clients: Redis[] = [];

/** A presence member, as the tracker writes one. */
const member = {
  userId: 'u1',
  name: 'Anna',
  role: 'sales' as const,
  status: 'online' as const,
  connections: 1,
  updatedAt: 1,
};

// Connections as the server opens them (automatic pipelining included).
function client(): Redis {
  const redis = connectRedis(TEST_REDIS_URL, logger, 'osl-test');
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

  it('keeps the order of writes issued in one turn, and their expiry', async () => {
    const redis = client();
    const run = `${prefix}-order`;
    const presence = new RedisPresence(redis, run, 30);
    const connections = new RedisConnections(redis, run);
    await presence.heartbeat('n1');
    // A leave and a join of one person in the same turn: the join is the last word. (With MULTI for the join, it
    // went out ahead of the leave still waiting for the pipeline, and the person vanished.)
    await Promise.all([
      presence.set('scope', 'n1', 'u1', { v: 1, member: { ...member } }),
      presence.set('scope', 'n1', 'u1', null),
      presence.set('scope', 'n1', 'u1', { v: 2, member: { ...member } }),
    ]);
    expect((await presence.list('scope')).map((entry) => entry.v)).toEqual([2]);
    const entry = { connectionId: 'c1', nodeId: 'n1', userId: 'u1', connectedAt: 1 };
    await Promise.all([connections.remove('user', 'c1'), connections.add('user', entry)]);
    expect((await connections.list('user')).map((e) => e.connectionId)).toEqual(['c1']);
    for (const key of [`${run}:cn:user`, await firstKey(redis, `${run}*scope*`)])
      expect(await redis.pttl(key)).toBeGreaterThan(0);
  });
});

describe.skipIf(!available)('redis scripts on a pipelining connection', () => {
  it('runs a script first used in a turn whose other commands are already waiting for the pipeline', async () => {
    // Fresh connections, as after a start or a reconnect: nothing has run on them yet.
    const redis = client();
    const run = `${prefix}-first-turn`;
    const presence = new RedisPresence(redis, run, 30);
    const history = new RedisHistory(redis, run, { size: 10, ttlSeconds: 60 });
    await redis.ping();
    // One turn: a plain command opens the pipeline, then each script is used for the first time.
    const done = await Promise.all([
      redis.publish(`${run}:nobody`, 'x'),
      presence.set('scope', 'n1', 'u1', { v: 1, member }),
      history.append('order:1', { head: '{"seq-head":"', tail: '}' }, Date.now()),
      redis.get(`${run}:missing`),
    ]);
    expect(done[2]).toMatchObject({ seq: 1 });
    expect(done[3]).toBeNull();
    await presence.heartbeat('n1');
    expect((await presence.list('scope')).map((entry) => entry.v)).toEqual([1]);
    // A Redis that forgot its scripts (restarted, or flushed): each is sent whole once, and works on.
    await redis.script('FLUSH');
    expect(await history.append('order:1', { head: '{"seq-head":"', tail: '}' }, Date.now())).toMatchObject({
      seq: 2,
    });
    expect((await history.range('order:1', done[2].epoch, 0, 2))?.map((event) => event.seq)).toEqual([1, 2]);
  });
});

async function firstKey(redis: Redis, pattern: string): Promise<string> {
  const keys = await redis.keys(pattern);
  expect(keys).toHaveLength(1);
  return keys[0]!;
}
