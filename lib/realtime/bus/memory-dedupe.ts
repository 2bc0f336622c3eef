import type { DedupeClaim, DedupeStore } from './types';

type Entry = { ack: string | null; expires: number };

/** Per user, bounded (the oldest id is forgotten first) and with a TTL. */
export class MemoryDedupe implements DedupeStore {
  private readonly users = new Map<string, Map<string, Entry>>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ttlMs: number,
    private readonly maxPerUser = 1000,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.min(ttlMs, 60_000));
    this.sweeper.unref();
  }

  claim(userId: string, messageId: string): DedupeClaim {
    let entries = this.users.get(userId);
    const entry = entries?.get(messageId);
    if (entry && entry.expires > this.now()) {
      return entry.ack === null ? { state: 'pending' } : { state: 'done', ack: entry.ack };
    }
    if (!entries) {
      entries = new Map();
      this.users.set(userId, entries);
    }
    entries.delete(messageId);
    entries.set(messageId, { ack: null, expires: this.now() + this.ttlMs });
    if (entries.size > this.maxPerUser) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    return { state: 'new' };
  }

  complete(userId: string, messageId: string, ack: string): undefined {
    const entries = this.users.get(userId);
    if (entries?.has(messageId)) entries.set(messageId, { ack, expires: this.now() + this.ttlMs });
  }

  release(userId: string, messageId: string): undefined {
    this.users.get(userId)?.delete(messageId);
  }

  private sweep(): void {
    const now = this.now();
    for (const [userId, entries] of this.users) {
      for (const [id, entry] of entries) if (entry.expires <= now) entries.delete(id);
      if (entries.size === 0) this.users.delete(userId);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
