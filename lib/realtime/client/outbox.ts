import type { ClientMessage } from '../protocol/messages';

/** A client message that carries an id (everything that changes something on the server). */
export type IdentifiedMessage = Exclude<ClientMessage, { type: 'ping' | 'pong' }> & { id: string };

export type OutboxEntry = {
  id: string;
  message: IdentifiedMessage;
  /** Sent on the current socket and waiting for its ack. */
  sent: boolean;
  /** How many times it went over the wire (retries reuse the id; the server dedupes). */
  sends: number;
};

/**
 * The ordered list of durable messages (publish, rpc) that are not acknowledged yet. Entries waiting for a
 * connection ("queued") are bounded: past the bound the oldest queued entry is dropped and returned to the caller,
 * which counts it and tells the app. In-flight entries go back to the queue, in their original order, when the
 * socket drops, so the flush after a reconnect resends them first (same id, so the server applies them once).
 */
export class Outbox {
  private readonly entries = new Map<string, OutboxEntry>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  get queued(): number {
    let count = 0;
    for (const entry of this.entries.values()) if (!entry.sent) count++;
    return count;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): OutboxEntry | undefined {
    return this.entries.get(id);
  }

  /** Adds a message waiting to be sent; returns the entries dropped to stay within capacity (oldest first). */
  enqueue(message: IdentifiedMessage): OutboxEntry[] {
    this.entries.set(message.id, { id: message.id, message, sent: false, sends: 0 });
    return this.trim();
  }

  markSent(id: string): void {
    const entry = this.entries.get(id);
    if (entry) {
      entry.sent = true;
      entry.sends++;
    }
  }

  /** The socket is gone: everything unacknowledged waits again. Returns what no longer fits. */
  requeueAll(): OutboxEntry[] {
    for (const entry of this.entries.values()) entry.sent = false;
    return this.trim();
  }

  /** The entries to send now, oldest first. */
  unsent(): OutboxEntry[] {
    return [...this.entries.values()].filter((entry) => !entry.sent);
  }

  remove(id: string): OutboxEntry | undefined {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    return entry;
  }

  /** Empties the queue of unsent entries (in-flight ones still get their ack); returns what was removed. */
  clearQueued(): OutboxEntry[] {
    const removed = this.unsent();
    for (const entry of removed) this.entries.delete(entry.id);
    return removed;
  }

  private trim(): OutboxEntry[] {
    const dropped: OutboxEntry[] = [];
    let excess = this.queued - this.capacity;
    if (excess <= 0) return dropped;
    for (const entry of this.entries.values()) {
      if (excess <= 0) break;
      if (entry.sent) continue;
      this.entries.delete(entry.id);
      dropped.push(entry);
      excess--;
    }
    return dropped;
  }
}
