import type { Redis } from 'ioredis';
import { zaddWithExpiry } from '../realtime/bus/redis-scripts';

export type TypingKey = { tenantId: string; conversationId: string };
export type TypingEntry = { userId: string; expiresAt: number };

/** Who is typing where, each entry with an expiry the store enforces itself (a vanished client expires). */
export type TypingStore = {
  set(key: TypingKey, userId: string, expiresAt: number): Promise<void>;
  /** True when the user was typing. */
  clear(key: TypingKey, userId: string): Promise<boolean>;
  list(key: TypingKey, now: number): Promise<TypingEntry[]>;
  close(): Promise<void>;
};

const keyOf = (key: TypingKey) => `${key.tenantId}:${key.conversationId}`;

export function createMemoryTypingStore(): TypingStore {
  const rooms = new Map<string, Map<string, number>>();
  return {
    async set(key, userId, expiresAt) {
      const room = rooms.get(keyOf(key)) ?? new Map<string, number>();
      room.set(userId, expiresAt);
      rooms.set(keyOf(key), room);
    },
    async clear(key, userId) {
      const room = rooms.get(keyOf(key));
      const had = room?.delete(userId) ?? false;
      if (room && room.size === 0) rooms.delete(keyOf(key));
      return had;
    },
    async list(key, now) {
      const room = rooms.get(keyOf(key));
      if (!room) return [];
      const live: TypingEntry[] = [];
      for (const [userId, expiresAt] of room) {
        if (expiresAt > now) live.push({ userId, expiresAt });
        else room.delete(userId);
      }
      if (room.size === 0) rooms.delete(keyOf(key));
      return live;
    },
    async close() {
      rooms.clear();
    },
  };
}

/** A sorted set per conversation scored by expiry, and a key TTL so an idle set disappears on its own. */
export function createRedisTypingStore(redis: Redis, prefix: string, maxTtlMs: number): TypingStore {
  const redisKey = (key: TypingKey) => `${prefix}:typing:${keyOf(key)}`;
  return {
    async set(key, userId, expiresAt) {
      const k = redisKey(key);
      await zaddWithExpiry(redis, k, expiresAt, userId, maxTtlMs);
    },
    async clear(key, userId) {
      return (await redis.zrem(redisKey(key), userId)) > 0;
    },
    async list(key, now) {
      const k = redisKey(key);
      await redis.zremrangebyscore(k, '-inf', now);
      const members = await redis.zrangebyscore(k, `(${now}`, '+inf');
      if (members.length === 0) return [];
      const scores = await redis.zmscore(k, ...members);
      const entries: TypingEntry[] = [];
      members.forEach((userId, i) => {
        const score = scores[i];
        if (score != null) entries.push({ userId, expiresAt: Number(score) });
      });
      return entries;
    },
    async close() {},
  };
}
