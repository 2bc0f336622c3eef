import { and, asc, eq } from 'drizzle-orm';
import type { Database } from '../../db/create-db';
import { orders, products, tenants, users } from '../../db/schema';
import type { SyncContext, SyncUser } from './context';

/** Seeded people, an order and products of the demo tenant, for the sync service's tests and benchmarks. */
export async function loadSyncFixture(database: Database, tenantSlug = 'siam-supply') {
  const db = database.db;
  const [tenant] = await db.select().from(tenants).where(eq(tenants.slug, tenantSlug));
  if (!tenant) throw new Error(`tenant ${tenantSlug} is not seeded`);
  const people = await db.select().from(users).where(eq(users.tenantId, tenant.id));
  const user = (email: string): SyncUser => {
    const row = people.find((p) => p.email === email);
    if (!row) throw new Error(`${email} is not seeded`);
    return { id: row.id, name: row.name, role: row.role, tenantId: tenant.id };
  };
  const orderRows = await db
    .select({ id: orders.id, status: orders.status })
    .from(orders)
    .where(eq(orders.tenantId, tenant.id))
    .orderBy(asc(orders.number));
  const productRows = await db
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.tenantId, tenant.id)))
    .orderBy(asc(products.sku));
  const ctx = (u: SyncUser, connectionId: string | null = null): SyncContext => ({ user: u, connectionId });
  return {
    tenantId: tenant.id,
    people,
    user,
    ctx,
    orderIds: orderRows.map((o) => o.id),
    /** Orders whose lines may still change (draft or pending), for tests that edit lines and status. */
    editableOrderIds: orderRows
      .filter((o) => o.status === 'draft' || o.status === 'pending')
      .map((o) => o.id),
    draftOrderIds: orderRows.filter((o) => o.status === 'draft').map((o) => o.id),
    productIds: productRows.map((p) => p.id),
  };
}

export type PublishedEvent = { tenantId: string; channel: string; event: string; data: unknown };

/** A publish sink that keeps every event (and lets a test listen). */
export function createEventSink() {
  const events: PublishedEvent[] = [];
  const listeners = new Set<(event: PublishedEvent) => void>();
  return {
    events,
    publish: async (input: PublishedEvent) => {
      events.push(input);
      for (const listener of listeners) listener(input);
      return { epoch: 'test', seq: events.length };
    },
    listen(listener: (event: PublishedEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
