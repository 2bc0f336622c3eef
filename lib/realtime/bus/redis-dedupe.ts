import type { Redis } from 'ioredis';
import type { DedupeClaim, DedupeStore } from './types';

const PENDING = '\u0000pending';

/** SET NX with a TTL: a retry that lands on another node sees the claim (or the stored ack) too. */
export class RedisDedupe implements DedupeStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  private key(userId: string, messageId: string): string {
    return `${this.prefix}:dd:${userId}:${messageId}`;
  }

  async claim(userId: string, messageId: string): Promise<DedupeClaim> {
    const key = this.key(userId, messageId);
    const claimed = await this.redis.set(key, PENDING, 'PX', this.ttlMs, 'NX');
    if (claimed === 'OK') return { state: 'new' };
    const value = await this.redis.get(key);
    if (value === null) return this.claim(userId, messageId);
    return value === PENDING ? { state: 'pending' } : { state: 'done', ack: value };
  }

  async complete(userId: string, messageId: string, ack: string): Promise<void> {
    await this.redis.set(this.key(userId, messageId), ack, 'PX', this.ttlMs);
  }

  async release(userId: string, messageId: string): Promise<void> {
    await this.redis.del(this.key(userId, messageId));
  }

  async close(): Promise<void> {}
}
