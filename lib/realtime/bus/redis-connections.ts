import type { Redis } from 'ioredis';
import { redisNodeKey } from './redis-presence';
import type { ConnectionEntry, ConnectionRegistry } from './types';

const USER_TTL_MS = 24 * 3600_000;

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
    await this.redis
      .multi()
      .hset(key, entry.connectionId, JSON.stringify(entry))
      .pexpire(key, USER_TTL_MS)
      .exec();
  }

  async remove(userKey: string, connectionId: string): Promise<void> {
    await this.redis.hdel(this.userKey(userKey), connectionId);
  }

  async list(userKey: string): Promise<ConnectionEntry[]> {
    const key = this.userKey(userKey);
    const raw = await this.redis.hgetall(key);
    const entries = Object.entries(raw).map(
      ([id, json]) => [id, JSON.parse(json) as ConnectionEntry] as const,
    );
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
