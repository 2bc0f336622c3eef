import type { Redis } from 'ioredis';
import { z } from 'zod';
import { type Member, member } from '../protocol';
import { hsetWithExpiry } from './redis-scripts';
import type { PresenceEntry, PresenceStore } from './types';

/** A member as a node stored it, with its version (fields this version does not know are kept, as before). */
const storedMember = z.object({ v: z.number(), member: member.loose() });

const SCOPE_TTL_MS = 24 * 3600_000;

/** The key that exists while a node heartbeats (other stores read it to ignore a dead node's entries). */
export function redisNodeKey(prefix: string, nodeId: string): string {
  return `${prefix}:node:${nodeId}`;
}

/**
 * One hash per scope (field "node|user" -> entry JSON) and one expiring key per node: a node that stops
 * heartbeating expires after the TTL and its entries are ignored (and deleted) by every reader.
 */
export class RedisPresence implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
  ) {}

  private scopeKey(scope: string): string {
    return `${this.prefix}:pr:${scope}`;
  }

  private nodeKey(nodeId: string): string {
    return redisNodeKey(this.prefix, nodeId);
  }

  async set(
    scope: string,
    nodeId: string,
    userId: string,
    value: { v: number; member: Member } | null,
  ): Promise<void> {
    const key = this.scopeKey(scope);
    if (!value) {
      await this.redis.hdel(key, `${nodeId}|${userId}`);
      return;
    }
    await hsetWithExpiry(this.redis, key, `${nodeId}|${userId}`, JSON.stringify(value), SCOPE_TTL_MS);
  }

  async list(scope: string): Promise<PresenceEntry[]> {
    const key = this.scopeKey(scope);
    const raw = await this.redis.hgetall(key);
    const fields = Object.entries(raw);
    if (fields.length === 0) return [];
    const nodes = [...new Set(fields.map(([field]) => field.slice(0, field.indexOf('|'))))];
    const alive = await this.redis.mget(nodes.map((n) => this.nodeKey(n)));
    const live = new Set(nodes.filter((_, i) => alive[i] !== null));
    const entries: PresenceEntry[] = [];
    const dead: string[] = [];
    for (const [field, json] of fields) {
      const bar = field.indexOf('|');
      const nodeId = field.slice(0, bar);
      if (!live.has(nodeId)) {
        dead.push(field);
        continue;
      }
      const value = storedMember.safeParse(JSON.parse(json)).data;
      if (value) entries.push({ nodeId, userId: field.slice(bar + 1), v: value.v, member: value.member });
    }
    if (dead.length > 0) await this.redis.hdel(key, ...dead);
    return entries;
  }

  async heartbeat(nodeId: string): Promise<void> {
    await this.redis.set(this.nodeKey(nodeId), '1', 'PX', this.ttlSeconds * 1000);
  }

  async isAlive(nodeId: string): Promise<boolean> {
    return (await this.redis.exists(this.nodeKey(nodeId))) === 1;
  }

  async dropNode(nodeId: string): Promise<void> {
    await this.redis.del(this.nodeKey(nodeId));
  }

  async close(): Promise<void> {}
}
