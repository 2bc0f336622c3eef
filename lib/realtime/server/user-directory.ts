import type { Database } from '../../db/create-db';
import { findSessionUser } from '../../db/queries/users';
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

/** The directory over the database. */
export function databaseUserDirectory(database: Database, maxEntries?: number): UserDirectory {
  return createUserDirectory(async (tenantId, userId) => {
    const row = await findSessionUser(database.db, userId, tenantId);
    return row
      ? {
          id: row.id,
          tenantId: row.tenantId,
          role: row.role,
          name: row.name,
          active: row.active,
          sessionVersion: row.sessionVersion,
        }
      : null;
  }, maxEntries);
}
