import type { Redis } from 'ioredis';
import type { Member } from '../protocol';

/**
 * The backends behind the hub. Each has an in-process implementation (one node, the default) and a Redis one
 * (any number of nodes); the contract suites in ./contract run against both.
 */

/** Fan-out between nodes. A node never receives its own messages back (the envelope carries the node id). */
export interface Bus {
  readonly kind: 'memory' | 'redis';
  readonly nodeId: string;
  publish(topic: string, payload: string): Promise<void>;
  onMessage(handler: (topic: string, payload: string, fromNode: string) => void): void;
  /** Called after the link to the backend came back (messages may have been missed meanwhile). */
  onReconnect(handler: () => void): void;
  healthy(): boolean;
  /** True when no other node can be listening (an in-process bus with one node): publishing would reach nobody. */
  alone(): boolean;
  close(): Promise<void>;
}

export type Position = { epoch: string; seq: number };

/** An event as stored: `frame` is the complete `event` server message, encoded once. */
export type StoredEvent = { seq: number; ts: number; frame: string };

/**
 * The event frame around epoch and seq, which only the store knows when it appends:
 * frame = head + epoch + '","seq":' + seq + tail.
 */
export type EventTemplate = { head: string; tail: string };

export type HistoryOptions = { size: number; ttlSeconds: number };

/** Per channel: epoch, gap-free seq assigned atomically, and a history bounded by count and age. */
export interface HistoryStore {
  append(key: string, template: EventTemplate, ts: number): Promise<Position & { frame: string }>;
  /** The channel's current position; creates the epoch when the channel is new (or its state was lost). */
  head(key: string): Promise<Position>;
  /** Events with seq in (after, upTo] of that epoch, or null when the history no longer covers all of them. */
  range(key: string, epoch: string, after: number, upTo: number): Promise<StoredEvent[] | null>;
  close(): Promise<void>;
}

export function buildFrame(template: EventTemplate, epoch: string, seq: number): string {
  return `${template.head}${epoch}","seq":${seq}${template.tail}`;
}

/** One user's member state as one node sees it (aggregated over that node's connections). */
export type PresenceEntry = { nodeId: string; userId: string; v: number; member: Member };

export interface PresenceStore {
  /**
   * Writes (or with null removes) this node's entry for a user in a scope. A store that writes in place (memory)
   * returns nothing; one that waits (Redis) returns the write: a join costs no promise where none is needed.
   */
  set(
    scope: string,
    nodeId: string,
    userId: string,
    value: { v: number; member: Member } | null,
  ): Promise<void> | undefined;
  /** Every entry of the scope whose node is alive. */
  list(scope: string): Promise<PresenceEntry[]>;
  /** Marks the node alive for the presence TTL. */
  heartbeat(nodeId: string): Promise<void>;
  isAlive(nodeId: string): Promise<boolean>;
  /** A clean shutdown removes the node at once instead of waiting for its TTL. */
  dropNode(nodeId: string): Promise<void>;
  close(): Promise<void>;
}

export type DedupeClaim = { state: 'new' } | { state: 'pending' } | { state: 'done'; ack: string };

/** Client message ids already seen (per user, bounded, with a TTL), so a retry takes effect once. */
export interface DedupeStore {
  /** As the presence store's writes: answered in place by memory, a promise from Redis. */
  claim(userId: string, messageId: string): DedupeClaim | Promise<DedupeClaim>;
  complete(userId: string, messageId: string, ack: string): Promise<void> | undefined;
  /** Forget a claim whose handling failed before it had any effect, so a retry runs again. */
  release(userId: string, messageId: string): Promise<void> | undefined;
  close(): Promise<void>;
}

/** One open WebSocket connection as the cluster-wide registry knows it. */
export type ConnectionEntry = {
  connectionId: string;
  nodeId: string;
  userId: string;
  connectedAt: number;
  device?: string;
};

/**
 * Per user (key "tenant:user"), the open connections of every node. Entries of a node that stopped heartbeating
 * (the presence store's node TTL) are ignored and deleted by readers, as presence entries are.
 */
export interface ConnectionRegistry {
  /** Writes (or overwrites) a connection's entry; as the presence store's `set`, nothing when written in place. */
  add(userKey: string, entry: ConnectionEntry): Promise<void> | undefined;
  remove(userKey: string, connectionId: string): Promise<void> | undefined;
  /** The entries whose node is alive. */
  list(userKey: string): Promise<ConnectionEntry[]>;
  close(): Promise<void>;
}

export type Backends = {
  /**
   * With REDIS_URL: the process's one command connection, shared by the stores, the bus's publishing and every
   * feature (locks, typing, Pusher state); the bus adds the one subscriber connection. Null without Redis.
   */
  redis: Redis | null;
  bus: Bus;
  history: HistoryStore;
  presence: PresenceStore;
  dedupe: DedupeStore;
  connections: ConnectionRegistry;
  close(): Promise<void>;
};
