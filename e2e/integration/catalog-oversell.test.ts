import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Catalog, createCatalog } from '../../lib/catalog';
import { createMemoryLockStore } from '../../lib/sync/service/locks/memory-lock-store';
import { createSyncService } from '../../lib/sync/service/sync-service';
import {
  insertOrder,
  insertProduct,
  readOrder,
  readProduct,
  recordingPublisher,
  seededActors,
} from '../support/catalog-fixtures';
import { postgresAvailable } from '../support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../support/test-db';

/**
 * Many confirmations race for the last units. On PostgreSQL they run on separate pooled connections at once; the
 * row locks must let exactly the feasible number through and keep stock and reservations consistent.
 */
function oversell(kind: TestDbKind) {
  let database: TestDatabase;
  let catalog: Catalog;
  let actors: Awaited<ReturnType<typeof seededActors>>;
  const events = recordingPublisher();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const locks = createMemoryLockStore();
    const sync = createSyncService({ database, locks, publish: events.publish });
    catalog = createCatalog({ db: database.db, publish: events.publish, sync });
    actors = await seededActors(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('20 parallel confirmations of 5 units against 23 in stock: exactly 4 succeed, the rest get 409', async () => {
    const tenantId = actors.sales.tenantId;
    const product = await insertProduct(database.db, tenantId, { stock: 23 });
    const orders = await Promise.all(
      Array.from({ length: 20 }, () =>
        insertOrder(database.db, tenantId, [{ productId: product.id, quantity: 5 }]),
      ),
    );
    events.clear();
    const results = await Promise.all(
      orders.map((order, i) =>
        catalog.orders.changeStatus(i % 2 ? actors.sales : actors.sales2, order.id, { status: 'confirmed' }),
      ),
    );
    const succeeded = results.filter((r) => r.ok);
    const refused = results.filter((r) => !r.ok);
    expect(succeeded).toHaveLength(4);
    expect(refused).toHaveLength(16);
    for (const r of refused)
      expect(r).toMatchObject({
        ok: false,
        error: { status: 409, code: 'CONFLICT', details: { reason: 'insufficient_stock' } },
      });
    expect(await readProduct(database.db, tenantId, product.id)).toMatchObject({
      stock: 23,
      reserved: 20,
      version: 5,
    });
    const statuses = await Promise.all(orders.map((o) => readOrder(database.db, o.id)));
    expect(statuses.filter((o) => o?.status === 'confirmed')).toHaveLength(4);
    expect(statuses.filter((o) => o?.status === 'pending')).toHaveLength(16);
    // Every successful confirmation published one stock level, read just after its commit (the sync service
    // announces status changes): a consistent snapshot (version n carries n - 1 reservations), the last one final.
    const levels = events
      .of('stock.changed', 'inventory')
      .map((e) => (e.data as { items: { reserved: number; version: number }[] }).items[0]!);
    expect(levels).toHaveLength(4);
    for (const level of levels) expect(level.reserved).toBe((level.version - 1) * 5);
    expect(Math.max(...levels.map((l) => l.version))).toBe(5);
  });

  it('orders that lock the same two products in opposite line order neither deadlock nor oversell', async () => {
    const tenantId = actors.sales.tenantId;
    const a = await insertProduct(database.db, tenantId, { stock: 10 });
    const b = await insertProduct(database.db, tenantId, { stock: 10 });
    const orders = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        insertOrder(
          database.db,
          tenantId,
          i % 2
            ? [
                { productId: a.id, quantity: 2 },
                { productId: b.id, quantity: 3 },
              ]
            : [
                { productId: b.id, quantity: 3 },
                { productId: a.id, quantity: 2 },
              ],
        ),
      ),
    );
    const results = await Promise.all(
      orders.map((o) => catalog.orders.changeStatus(actors.admin, o.id, { status: 'confirmed' })),
    );
    // b limits: floor(10 / 3) = 3 orders fit.
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.status === 409)).toBe(true);
    expect(await readProduct(database.db, tenantId, a.id)).toMatchObject({ stock: 10, reserved: 6 });
    expect(await readProduct(database.db, tenantId, b.id)).toMatchObject({ stock: 10, reserved: 9 });
  });

  it('shipping and cancelling in parallel with confirmations keep stock and reservations consistent', async () => {
    const tenantId = actors.sales.tenantId;
    const product = await insertProduct(database.db, tenantId, { stock: 12 });
    const first = await Promise.all(
      Array.from({ length: 3 }, () =>
        insertOrder(database.db, tenantId, [{ productId: product.id, quantity: 4 }]),
      ),
    );
    for (const o of first)
      expect((await catalog.orders.changeStatus(actors.sales, o.id, { status: 'confirmed' })).ok).toBe(true);
    const waiting = await Promise.all(
      Array.from({ length: 6 }, () =>
        insertOrder(database.db, tenantId, [{ productId: product.id, quantity: 4 }]),
      ),
    );
    // One shipment (stock 12 -> 8, reserved 12 -> 8) and one cancellation (reserved -> 4) race six confirmations
    // that each need 4 units: whatever the interleaving, at most one of them fits, and only after the cancellation.
    const results = await Promise.all([
      catalog.orders.changeStatus(actors.sales, first[0]!.id, { status: 'shipped' }),
      catalog.orders.changeStatus(actors.sales, first[1]!.id, { status: 'cancelled' }),
      ...waiting.map((o) => catalog.orders.changeStatus(actors.sales2, o.id, { status: 'confirmed' })),
    ]);
    expect(results[0]!.ok && results[1]!.ok).toBe(true);
    const confirmedNow = results.slice(2).filter((r) => r.ok).length;
    expect(confirmedNow).toBeLessThanOrEqual(1);
    const final = await readProduct(database.db, tenantId, product.id);
    expect(final).toMatchObject({ stock: 8, reserved: 4 + 4 * confirmedNow });
    expect(final!.reserved).toBeLessThanOrEqual(final!.stock);
  });
}

describe('catalog oversell: PGlite', () => oversell('pglite'));
describe.runIf(await postgresAvailable())('catalog oversell: PostgreSQL (parallel connections)', () =>
  oversell('postgres'),
);
