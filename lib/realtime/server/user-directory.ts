import type { Database } from '../../db/create-db';
import { prepareUsersByIds } from '../../db/queries/users';
import type { HubUser } from './connection';

/** The user as stored now: what the hub checks a session and a role against. */
export type StoredUser = HubUser & { active: boolean; sessionVersion: number };

export type UserDirectory = {
  /** The stored user (null: gone), from this node's cache or the database. */
  load(tenantId: string, userId: string): Promise<StoredUser | null>;
  /** The cached user, or undefined when there is none (then `load`). */
  peek(tenantId: string, userId: string): StoredUser | null | undefined;
  /** Drops the user's entry; a load already under way when this is called does not store what it read. */
  forget(tenantId: string, userId: string): void;
  forgetAll(): void;
};

/**
 * Session users of this node, cached without a time limit and invalidated over the bus: every role, status or
 * session change calls `hub.refreshUser`, whose bus message makes every node forget the user before it re-checks
 * the user's sockets (and the bus reconnecting forgets everyone, since messages may have been missed meanwhile).
 * A load that raced with a `forget` reads again, so a stale row never lands in the cache.
 */
export function createUserDirectory(
  read: (tenantId: string, userId: string) => Promise<StoredUser | null>,
  maxEntries = 10_000,
): UserDirectory {
  const cache = new Map<string, StoredUser | null>();
  // Loads under way per user; `forget` marks them stale so they read again instead of caching what they read.
  const loading = new Map<string, Set<{ stale: boolean }>>();

  const markStale = (key: string) => {
    for (const attempt of loading.get(key) ?? []) attempt.stale = true;
  };

  async function load(tenantId: string, userId: string): Promise<StoredUser | null> {
    const key = `${tenantId}:${userId}`;
    if (cache.has(key)) return cache.get(key) ?? null;
    let attempts = loading.get(key);
    if (!attempts) {
      attempts = new Set();
      loading.set(key, attempts);
    }
    const attempt = { stale: false };
    attempts.add(attempt);
    try {
      for (;;) {
        attempt.stale = false;
        const user = await read(tenantId, userId);
        if (attempt.stale) continue;
        cache.set(key, user);
        if (cache.size > maxEntries) {
          const oldest = cache.keys().next().value;
          if (oldest !== undefined) cache.delete(oldest);
        }
        return user;
      }
    } finally {
      attempts.delete(attempt);
      if (attempts.size === 0) loading.delete(key);
    }
  }

  return {
    load,
    peek: (tenantId, userId) => cache.get(`${tenantId}:${userId}`),
    forget(tenantId, userId) {
      const key = `${tenantId}:${userId}`;
      cache.delete(key);
      markStale(key);
    },
    forgetAll() {
      cache.clear();
      for (const key of loading.keys()) markStale(key);
    },
  };
}

type Waiting = {
  tenantId: string;
  userId: string;
  resolve(user: StoredUser | null): void;
  reject(error: unknown): void;
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads users in batches, at most `inFlight` queries at a time: the reads asked for in one turn of the event loop
 * (the upgrades that arrived together) go in one query, and those that arrive while the queries run go together in
 * the next one (a connection storm of distinct users costs a query per batch, not per user). In a storm (within
 * `stormGapMs` of the last query's start) the next query also waits `gatherMs` for more: upgrades arrive about one
 * per turn and a query takes less than a millisecond, so queries started at once took one user each (5,200 users,
 * about 3,000 queries in the bench), each a round trip to the database that cost more than the wait. Measured
 * again on a faster machine: waiting 1, 3 or 4 ms, or two queries in flight, opened connections more slowly.
 * A user of another tenant than asked is null, as is an id that cannot be a user's (not a UUID).
 */
export function batchedUserReader(
  readMany: (userIds: string[]) => Promise<StoredUser[]>,
  options: { maxBatch?: number; inFlight?: number; gatherMs?: number; stormGapMs?: number } = {},
): (tenantId: string, userId: string) => Promise<StoredUser | null> {
  const maxBatch = options.maxBatch ?? 500;
  const inFlight = options.inFlight ?? 1;
  const gatherMs = options.gatherMs ?? 2;
  const stormGapMs = options.stormGapMs ?? 10;
  const queue: Waiting[] = [];
  let running = 0;
  let scheduled = false;
  let lastStart = Number.NEGATIVE_INFINITY;
  async function runBatch(batch: Waiting[]): Promise<void> {
    try {
      const rows = await readMany([...new Set(batch.map((waiting) => waiting.userId))]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      for (const waiting of batch) {
        const row = byId.get(waiting.userId);
        waiting.resolve(row && row.tenantId === waiting.tenantId ? row : null);
      }
    } catch (error) {
      for (const waiting of batch) waiting.reject(error);
    }
  }
  function start(): void {
    scheduled = false;
    while (queue.length > 0 && running < inFlight) {
      running++;
      lastStart = Date.now();
      void runBatch(queue.splice(0, maxBatch)).then(() => {
        running--;
        schedule();
      });
    }
  }
  function schedule(): void {
    if (scheduled || running >= inFlight || queue.length === 0) return;
    scheduled = true;
    if (Date.now() - lastStart < stormGapMs && queue.length < maxBatch) setTimeout(start, gatherMs);
    else setImmediate(start);
  }
  return (tenantId, userId) =>
    new Promise<StoredUser | null>((resolve, reject) => {
      if (!UUID.test(userId)) return resolve(null);
      queue.push({ tenantId, userId, resolve, reject });
      schedule();
    });
}

/** The directory over the database: batched reads through one prepared statement (no query built per batch). */
export function databaseUserDirectory(database: Database, maxEntries?: number): UserDirectory {
  const byIds = prepareUsersByIds(database.db);
  return createUserDirectory(
    batchedUserReader((userIds) => byIds.execute({ ids: userIds })),
    maxEntries,
  );
}
