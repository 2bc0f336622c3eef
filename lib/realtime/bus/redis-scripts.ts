import type { Redis } from 'ioredis';

/**
 * Writes that must land with their expiry, as one script each: atomic like MULTI, and unlike MULTI sent in the
 * connection's automatic pipeline, so they keep their place among the commands issued before and after them (a
 * MULTI is written at once, ahead of commands still waiting for the pipeline).
 */
const HSET_EXPIRE = `redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('PEXPIRE', KEYS[1], ARGV[3])`;
const ZADD_EXPIRE = `redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return redis.call('PEXPIRE', KEYS[1], ARGV[3])`;

type Scripts = {
  oslHsetExpire(key: string, field: string, value: string, ttlMs: number): Promise<number>;
  oslZaddExpire(key: string, score: number, member: string, ttlMs: number): Promise<number>;
};

const defined = new WeakSet<Redis>();

/** The connection with the scripts above defined on it (once per connection). */
export function withScripts(redis: Redis): Redis & Scripts {
  if (!defined.has(redis)) {
    redis.defineCommand('oslHsetExpire', { numberOfKeys: 1, lua: HSET_EXPIRE });
    redis.defineCommand('oslZaddExpire', { numberOfKeys: 1, lua: ZADD_EXPIRE });
    defined.add(redis);
  }
  return redis as Redis & Scripts;
}
