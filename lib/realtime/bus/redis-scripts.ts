import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run with EVALSHA, and with EVAL when Redis does not know it yet (a new server, or one restarted,
 * forgets its scripts). Only built-in commands, on purpose: the connection pipelines automatically, and a command
 * added with ioredis' `defineCommand` is missing from a pipeline that was already collecting commands when it was
 * defined. Calling it there left ioredis waiting for a reply that was never asked for, and its pipeline callback
 * then threw outside any promise: an uncaught TypeError that ends the process (ioredis issue 1931; seen here in a
 * two-node test when the first presence write of a connection shared a turn with a publish).
 */
export class LuaScript {
  readonly sha: string;

  constructor(
    readonly lua: string,
    readonly numberOfKeys: number,
  ) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  /** The script's reply, as Redis sent it (the caller checks its shape). */
  async run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, this.numberOfKeys, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      return redis.eval(this.lua, this.numberOfKeys, ...keys, ...args);
    }
  }
}

/**
 * Writes that must land with their expiry, as one script each: atomic like MULTI, and unlike MULTI sent in the
 * connection's automatic pipeline, so they keep their place among the commands issued before and after them (a
 * MULTI is written at once, ahead of commands still waiting for the pipeline).
 */
const HSET_EXPIRE = new LuaScript(
  `redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return redis.call('PEXPIRE', KEYS[1], ARGV[3])`,
  1,
);
const ZADD_EXPIRE = new LuaScript(
  `redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
return redis.call('PEXPIRE', KEYS[1], ARGV[3])`,
  1,
);

/** HSET of one field, and the key's expiry, at once. */
export async function hsetWithExpiry(
  redis: Redis,
  key: string,
  field: string,
  value: string,
  ttlMs: number,
): Promise<void> {
  await HSET_EXPIRE.run(redis, [key], [field, value, ttlMs]);
}

/** ZADD of one member, and the key's expiry, at once. */
export async function zaddWithExpiry(
  redis: Redis,
  key: string,
  score: number,
  member: string,
  ttlMs: number,
): Promise<void> {
  await ZADD_EXPIRE.run(redis, [key], [score, member, ttlMs]);
}
