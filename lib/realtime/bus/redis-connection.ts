import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import type { Logger } from '../../logger';

/**
 * ioredis is loaded on the first connection, not with the server: a process without REDIS_URL never needs it, and
 * loading it costs about 15 MB of resident memory.
 */
let ioredis: typeof import('ioredis') | undefined;
function loadIoredis(): typeof import('ioredis') {
  const loaded: typeof import('ioredis') = ioredis ?? createRequire(import.meta.url)('ioredis');
  ioredis = loaded;
  return loaded;
}

/**
 * A connection that never floods the log, fails a command after a short retry instead of queueing it forever while
 * Redis is down, and reconnects by itself. Reconnection attempts back off to at most `retryMaxMs` apart; a command
 * issued while Redis is down fails after three of them (so after about 3 × `retryMaxMs` once Redis has been gone a
 * while).
 */
export function connectRedis(url: string, logger: Logger, name: string, retryMaxMs = 1000): Redis {
  const redis = new (loadIoredis().Redis)(url, {
    connectionName: name,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => Math.min(50 * times, retryMaxMs),
    enableReadyCheck: true,
    // Every command issued in one turn of the event loop goes out in one write (and one read of the replies):
    // under load a node sends thousands of small commands a second (history appends, publishes, dedupe claims),
    // and one write each was most of its Redis cost. Commands keep their order on the connection; MULTI would
    // not (it is written at once), so writes that need their expiry with them use scripts (redis-scripts.ts).
    enableAutoPipelining: true,
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ err: error.message, connection: name }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ connection: name }, 'redis connection restored');
    down = false;
  });
  return redis;
}
