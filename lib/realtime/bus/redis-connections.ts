import type { Redis } from 'ioredis';
import { z } from 'zod';
import { redisNodeKey } from './redis-presence';
import { hsetWithExpiry } from './redis-scripts';
import type { ConnectionEntry, ConnectionRegistry } from './types';

const USER_TTL_MS = 24 * 3600_000;

const storedEntry = z.object({
  connectionId: z.string(),
  nodeId: z.string(),
  userId: z.string(),
  connectedAt: z.number(),
  device: z.string().optional(),
});

/** An entry as a node wrote it; one another version wrote in another shape is left out. */
function decodeEntry(json: string): ConnectionEntry | null {
  try {
    return storedEntry.safeParse(JSON.parse(json)).data ?? null;
  } catch {
    return null;
  }
}

/**
 * One hash per user (field connection id -> entry JSON). Liveness is the presence store's expiring node key:
 * entries of a node whose key expired (SIGKILL, lost link) are ignored and deleted by every reader.
 */
export class RedisConnections implements ConnectionRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private userKey(userKey: string): string {
    return `${this.prefix}:cn:${userKey}`;
  }

  async add(userKey: string, entry: ConnectionEntry): Promise<void> {
    const key = this.userKey(userKey);
    await hsetWithExpiry(this.redis, key, entry.connectionId, JSON.stringify(entry), USER_TTL_MS);
  }

  async remove(userKey: string, connectionId: string): Promise<void> {
    await this.redis.hdel(this.userKey(userKey), connectionId);
  }

  async list(userKey: string): Promise<ConnectionEntry[]> {
    const key = this.userKey(userKey);
    const raw = await this.redis.hgetall(key);
    const entries = Object.entries(raw).flatMap(([id, json]) => {
      const entry = decodeEntry(json);
      return entry ? [[id, entry] as const] : [];
    });
    if (entries.length === 0) return [];
    const nodes = [...new Set(entries.map(([, entry]) => entry.nodeId))];
    const alive = await this.redis.mget(nodes.map((n) => redisNodeKey(this.prefix, n)));
    const live = new Set(nodes.filter((_, i) => alive[i] !== null));
    const dead = entries.filter(([, entry]) => !live.has(entry.nodeId)).map(([id]) => id);
    if (dead.length > 0) await this.redis.hdel(key, ...dead);
    return entries.filter(([, entry]) => live.has(entry.nodeId)).map(([, entry]) => entry);
  }

  async close(): Promise<void> {}
}
