import type { Env } from '../../env';
import type { Logger } from '../../logger';
import { type MemoryBroker, MemoryBus } from './memory-bus';
import { MemoryConnections } from './memory-connections';
import { MemoryDedupe } from './memory-dedupe';
import { MemoryHistory } from './memory-history';
import { MemoryPresence } from './memory-presence';
import { RedisBus } from './redis-bus';
import { connectRedis } from './redis-connection';
import { RedisConnections } from './redis-connections';
import { RedisDedupe } from './redis-dedupe';
import { RedisHistory } from './redis-history';
import { RedisPresence } from './redis-presence';
import type { Backends, DedupeStore, HistoryStore, PresenceStore } from './types';

export * from './memory-bus';
export * from './types';

export const DEDUPE_TTL_MS = 10 * 60_000;

/** In-process stores shared by several hubs of one process (tests of multi-node behaviour without Redis). */
export type SharedMemory = {
  broker: MemoryBroker;
  history: HistoryStore;
  presence: PresenceStore;
  dedupe: DedupeStore;
};

/** One connection registry per SharedMemory, so the hubs sharing it see each other's connections. */
const sharedConnections = new WeakMap<SharedMemory, MemoryConnections>();

export type BackendOptions = {
  env: Pick<
    Env,
    | 'REDIS_URL'
    | 'REDIS_PREFIX'
    | 'REDIS_RETRY_MAX_MS'
    | 'HISTORY_SIZE'
    | 'HISTORY_TTL_SECONDS'
    | 'PRESENCE_TTL_SECONDS'
  >;
  nodeId: string;
  logger: Logger;
  shared?: SharedMemory;
};

/** The memory backends without REDIS_URL, the Redis ones with it. */
export function createBackends({ env, nodeId, logger, shared }: BackendOptions): Backends {
  const historyOptions = { size: env.HISTORY_SIZE, ttlSeconds: env.HISTORY_TTL_SECONDS };
  if (env.REDIS_URL) {
    const redis = connectRedis(env.REDIS_URL, logger, `osl-cmd-${nodeId}`, env.REDIS_RETRY_MAX_MS);
    const bus = new RedisBus(redis, env.REDIS_URL, env.REDIS_PREFIX, nodeId, logger, env.REDIS_RETRY_MAX_MS);
    return {
      redis,
      bus,
      history: new RedisHistory(redis, env.REDIS_PREFIX, historyOptions),
      presence: new RedisPresence(redis, env.REDIS_PREFIX, env.PRESENCE_TTL_SECONDS),
      dedupe: new RedisDedupe(redis, env.REDIS_PREFIX, DEDUPE_TTL_MS),
      connections: new RedisConnections(redis, env.REDIS_PREFIX),
      close: async () => {
        await bus.close();
        redis.disconnect();
      },
    };
  }
  if (shared) {
    const bus = new MemoryBus(nodeId, shared.broker);
    let connections = sharedConnections.get(shared);
    if (!connections) {
      connections = new MemoryConnections(shared.presence);
      sharedConnections.set(shared, connections);
    }
    return {
      redis: null,
      bus,
      history: shared.history,
      presence: shared.presence,
      dedupe: shared.dedupe,
      connections,
      close: () => bus.close(),
    };
  }
  const history = new MemoryHistory(historyOptions);
  const presence = new MemoryPresence(env.PRESENCE_TTL_SECONDS);
  const dedupe = new MemoryDedupe(DEDUPE_TTL_MS);
  const connections = new MemoryConnections(presence);
  const bus = new MemoryBus(nodeId);
  return {
    redis: null,
    bus,
    history,
    presence,
    dedupe,
    connections,
    close: async () => {
      await bus.close();
      await Promise.all([history.close(), presence.close(), dedupe.close(), connections.close()]);
    },
  };
}
