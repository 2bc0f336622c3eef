import type { Database } from '../../db/create-db';
import { findSessionUser } from '../../db/queries/users';
import type { HubUser } from './connection';

/**
 * Session users for upgrades, cached briefly so a reconnect storm does not become a query storm; a refresh
 * (permission change) always reads the database.
 */
export function createUserDirectory(database: Database, ttlMs = 5_000, maxEntries = 10_000) {
  const cache = new Map<string, { user: HubUser | null; expires: number }>();
  async function load(tenantId: string, userId: string, fresh = false): Promise<HubUser | null> {
    const key = `${tenantId}:${userId}`;
    const hit = cache.get(key);
    if (!fresh && hit && hit.expires > Date.now()) return hit.user;
    const row = await findSessionUser(database.db, userId, tenantId);
    const user = row ? { id: row.id, tenantId: row.tenantId, role: row.role, name: row.name } : null;
    cache.delete(key);
    cache.set(key, { user, expires: Date.now() + ttlMs });
    if (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return user;
  }
  return { load };
}
