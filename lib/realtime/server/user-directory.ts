import type { Database } from '../../db/create-db';
import { prepareTenantRoster, prepareUsersByIds } from '../../db/queries/users';
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
  /** Users (and known absences) held now. */
  size(): number;
};

/** Reads a tenant's users, at most `limit` of them (more than `limit` back: the tenant is too big to hold). */
export type RosterReader = (tenantId: string, limit: number) => Promise<StoredUser[]>;

export type UserDirectoryOptions = {
  /** Users held at most (the oldest entry goes first). */
  maxEntries?: number;
  /** When given, the first user read of a tenant also reads the tenant's roster in the background. */
  readRoster?: RosterReader;
  /** Tenants with more users than this are read user by user only. */
  rosterLimit?: number;
};

/** A roster read under way: the users forgotten meanwhile, or everyone (`all`), are not taken from it. */
type RosterRead = { forgotten: Set<string>; all: boolean };

/**
 * Session users of this node, cached without a time limit and invalidated over the bus: every role, status or
 * session change calls `hub.refreshUser`, whose bus message makes every node forget the user before it re-checks
 * the user's sockets (and the bus reconnecting forgets everyone, since messages may have been missed meanwhile).
 * A load that raced with a `forget` reads again, so a stale row never lands in the cache.
 *
 * With `readRoster`, the first miss of a tenant also starts one read of the tenant's whole roster (when it has at
 * most `rosterLimit` users); the miss itself does not wait for it. In a reconnect storm (a node restarted, a
 * deploy) the tenant's other people then open their sockets from the cache, with no database read each. A roster
 * row of a user forgotten while the roster was read is not taken, nor is one over an entry already cached; after
 * `forgetAll` rosters are read again.
 */
export function createUserDirectory(
  read: (tenantId: string, userId: string) => Promise<StoredUser | null>,
  options: UserDirectoryOptions = {},
): UserDirectory {
  const { maxEntries = 20_000, readRoster, rosterLimit = 10_000 } = options;
  const cache = new Map<string, StoredUser | null>();
  // Loads under way per user; `forget` marks them stale so they read again instead of caching what they read.
  const loading = new Map<string, Set<{ stale: boolean }>>();
  /** Tenants whose roster was read or is being read (the read under way, if any). */
  const rosters = new Map<string, RosterRead | null>();

  const markStale = (key: string) => {
    for (const attempt of loading.get(key) ?? []) attempt.stale = true;
  };

  function remember(key: string, user: StoredUser | null): void {
    cache.set(key, user);
    if (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
  }

  function startRoster(tenantId: string): void {
    if (!readRoster || rosters.has(tenantId)) return;
    const under: RosterRead = { forgotten: new Set(), all: false };
    rosters.set(tenantId, under);
    readRoster(tenantId, rosterLimit).then(
      (rows) => {
        if (rosters.get(tenantId) === under) rosters.set(tenantId, null);
        if (under.all || rows.length > rosterLimit) return;
        for (const row of rows) {
          const key = `${tenantId}:${row.id}`;
          if (row.tenantId !== tenantId || under.forgotten.has(row.id) || cache.has(key)) continue;
          remember(key, row);
        }
      },
      () => {
        // Users are still read one by one; the next miss of the tenant tries the roster again.
        if (rosters.get(tenantId) === under) rosters.delete(tenantId);
      },
    );
  }

  async function load(tenantId: string, userId: string): Promise<StoredUser | null> {
    const key = `${tenantId}:${userId}`;
    if (cache.has(key)) return cache.get(key) ?? null;
    startRoster(tenantId);
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
        remember(key, user);
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
      rosters.get(tenantId)?.forgotten.add(userId);
    },
    forgetAll() {
      cache.clear();
      for (const key of loading.keys()) markStale(key);
      for (const under of rosters.values()) if (under) under.all = true;
      rosters.clear();
    },
    size: () => cache.size,
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

/**
 * The directory over the database: batched reads through one prepared statement (no query built per batch), and a
 * tenant's roster read once through another.
 */
export function databaseUserDirectory(database: Database, options: UserDirectoryOptions = {}): UserDirectory {
  const byIds = prepareUsersByIds(database.db);
  const roster = prepareTenantRoster(database.db);
  return createUserDirectory(
    batchedUserReader((userIds) => byIds.execute({ ids: userIds })),
    {
      readRoster: (tenantId, limit) => roster.execute({ tenantId, limit: limit + 1 }),
      ...options,
    },
  );
}
