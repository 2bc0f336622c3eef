import { randomUUID } from 'node:crypto';
import {
  buildFrame,
  type EventTemplate,
  type HistoryOptions,
  type HistoryStore,
  type Position,
  type StoredEvent,
} from './types';

type ChannelLog = { epoch: string; seq: number; events: StoredEvent[]; touched: number };

/** How long a channel's epoch and seq outlive its last event (its history itself expires after ttlSeconds). */
export const POSITION_TTL_MS = 24 * 3600_000;

/**
 * A fresh epoch: 48 random bits. Taken from randomUUID, which draws from a buffered pool: the Redis history asks
 * for one at every append (used only when the channel's position was lost), and randomBytes' call into the
 * system's random source there was 2% of a node's CPU in `bench:sync` on Redis.
 */
export function newEpoch(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}

export class MemoryHistory implements HistoryStore {
  private readonly logs = new Map<string, ChannelLog>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly options: HistoryOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  private log(key: string): ChannelLog {
    let log = this.logs.get(key);
    if (!log) {
      log = { epoch: newEpoch(), seq: 0, events: [], touched: this.now() };
      this.logs.set(key, log);
    }
    return log;
  }

  private trim(log: ChannelLog): void {
    const oldest = this.now() - this.options.ttlSeconds * 1000;
    let drop = Math.max(0, log.events.length - this.options.size);
    while (drop < log.events.length && log.events[drop]!.ts < oldest) drop++;
    if (drop > 0) log.events.splice(0, drop);
  }

  async append(key: string, template: EventTemplate, ts: number): Promise<Position & { frame: string }> {
    const log = this.log(key);
    log.seq += 1;
    log.touched = this.now();
    const frame = buildFrame(template, log.epoch, log.seq);
    log.events.push({ seq: log.seq, ts, frame });
    if (log.events.length > this.options.size) this.trim(log);
    return { epoch: log.epoch, seq: log.seq, frame };
  }

  async head(key: string): Promise<Position> {
    const log = this.log(key);
    return { epoch: log.epoch, seq: log.seq };
  }

  async range(key: string, epoch: string, after: number, upTo: number): Promise<StoredEvent[] | null> {
    const log = this.logs.get(key);
    if (!log || log.epoch !== epoch || upTo > log.seq || after > upTo) return null;
    if (after === upTo) return [];
    this.trim(log);
    const first = log.events[0];
    if (!first || first.seq > after + 1) return null;
    const start = after + 1 - first.seq;
    return log.events.slice(start, start + (upTo - after));
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, log] of this.logs) {
      if (now - log.touched > POSITION_TTL_MS) this.logs.delete(key);
      else this.trim(log);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
