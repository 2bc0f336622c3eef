import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redisAvailable, TEST_REDIS_URL } from '../../../e2e/support/services';
import { createLogger } from '../../logger';
import { connectRedis } from '../../realtime/bus/redis-connection';
import { MemoryPusherState } from './memory-state';
import { RedisPusherState } from './redis-state';
import { pusherStateContract } from './state-contract';
import type { Orphans } from './types';

describe('MemoryPusherState', () => {
  pusherStateContract(async () => {
    const state = new MemoryPusherState();
    return { state, close: () => state.close() };
  });
});

const withRedis = await redisAvailable();

async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = connectRedis(TEST_REDIS_URL, createLogger('silent'), 'pusher-state-test-cleanup');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}

function redisNode(prefix: string, nodeId: string, now?: () => number, ttlSeconds = 3) {
  const redis = connectRedis(TEST_REDIS_URL, createLogger('silent'), `pusher-state-test-${nodeId}`);
  const state = new RedisPusherState({ redis, prefix, nodeId, appIds: ['a'], ttlSeconds, now });
  return {
    state,
    redis,
    close: async () => {
      await state.close();
      redis.disconnect();
    },
  };
}

describe.skipIf(!withRedis)('RedisPusherState', () => {
  pusherStateContract(async () => {
    const prefix = `osl-pusher-state-${randomBytes(4).toString('hex')}`;
    const node = redisNode(prefix, 'n1');
    return {
      state: node.state,
      close: async () => {
        await node.close();
        await deleteRedisPrefix(prefix);
      },
    };
  });

  it('decides transitions across nodes, and undoes a dead node’s share once', async () => {
    const prefix = `osl-pusher-state-${randomBytes(4).toString('hex')}`;
    const seen: Orphans[] = [];
    const live = redisNode(prefix, 'live');
    live.state.onOrphans((orphans) => seen.push(orphans));
    await live.state.ready;
    // The "dead" node's clock is an hour behind: its heartbeats are stale from the start, so the next sweep (by
    // the live node or the survivor, whichever ticks first) undoes everything it added.
    const dead = redisNode(prefix, 'dead', () => Date.now() - 3600_000);
    expect(await live.state.addMember('a', 'presence-r', 'shared', {})).toBe(1);
    expect(await dead.state.addMember('a', 'presence-r', 'shared', {})).toBe(2);
    expect(await dead.state.addMember('a', 'presence-r', 'ghost', { g: 1 })).toBe(1);
    expect(await dead.state.addSubscription('a', 'presence-r')).toBe(1);
    expect(await live.state.addSubscription('a', 'presence-r')).toBe(2);
    expect(await dead.state.addSubscription('a', 'only-dead')).toBe(1);
    const survivor = redisNode(prefix, 'survivor');
    survivor.state.onOrphans((orphans) => seen.push(orphans));
    await expect.poll(() => seen.length).toBeGreaterThan(0);
    expect(seen).toEqual([
      { appId: 'a', vacated: ['only-dead'], removed: [{ channel: 'presence-r', userId: 'ghost' }] },
    ]);
    expect([...(await live.state.members('a', 'presence-r')).keys()]).toEqual(['shared']);
    expect(await live.state.subscriptionCount('a', 'presence-r')).toBe(1);
    // The swept node's own later removals are no-ops, not a second member_removed.
    expect(await dead.state.removeMember('a', 'presence-r', 'ghost')).toBe(-1);

    await Promise.all([dead.close(), live.close(), survivor.close()]);
    await deleteRedisPrefix(prefix);
  });

  it('removes a crashed node’s members within the presence TTL of its last heartbeat', async () => {
    const prefix = `osl-pusher-state-${randomBytes(4).toString('hex')}`;
    const ttlSeconds = 10;
    const survivor = redisNode(prefix, 'survivor', undefined, ttlSeconds);
    let sweptAt = 0;
    survivor.state.onOrphans(() => {
      sweptAt = Date.now();
    });
    const crashed = redisNode(prefix, 'crashed', undefined, ttlSeconds);
    await Promise.all([survivor.state.ready, crashed.state.ready]);
    expect(await crashed.state.addMember('a', 'presence-g', 'ghost', {})).toBe(1);
    // A crash: the process stops talking to Redis without saying goodbye (its timers find Redis gone).
    crashed.redis.disconnect();
    const lastBeat = Number(await survivor.redis.zscore(`${prefix}:pusher:nodes`, 'crashed'));
    await expect.poll(() => sweptAt, { timeout: ttlSeconds * 2000, interval: 100 }).toBeGreaterThan(0);
    // Swept before the TTL ran out, counted from the last sign of life (a kill comes after it).
    expect(sweptAt - lastBeat).toBeLessThanOrEqual(ttlSeconds * 1000);
    expect(await survivor.state.isMember('a', 'presence-g', 'ghost')).toBe(false);
    await survivor.close();
    await deleteRedisPrefix(prefix);
  }, 60_000);
});
