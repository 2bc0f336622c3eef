import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertOrder, insertProduct, readOrder } from '../../../e2e/support/catalog-fixtures';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-db';
import { defaultOrderPolicy } from '../policy';
import type { SyncContext } from './context';
import { type LockStore, lockKey } from './locks/lock-store';
import { createMemoryLockStore } from './locks/memory-lock-store';
import { createSyncService, type SyncService } from './sync-service';
import { createEventSink, loadSyncFixture } from './testing';

// The status change of the orders list (catalog REST route, server action) through the sync commit.
describe('sync changeStatus', () => {
  let database: TestDatabase;
  let service: SyncService;
  let locks: LockStore;
  let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;
  let anna: SyncContext;
  let napa: SyncContext;
  let admin: SyncContext;
  const sink = createEventSink();

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    locks = createMemoryLockStore();
    service = createSyncService({ database, locks, publish: sink.publish });
    fixture = await loadSyncFixture(database);
    anna = fixture.ctx(fixture.user('anna@siam.example'), 'conn-anna');
    napa = fixture.ctx(fixture.user('napa@siam.example'));
    admin = fixture.ctx(fixture.user('admin@siam.example'));
  });
  afterAll(() => database.drop());

  const statusKey = (orderId: string) => lockKey(fixture.tenantId, 'order', orderId, 'status');
  const newOrder = async (stock = 10, quantity = 2) => {
    const product = await insertProduct(database.db, fixture.tenantId, { stock });
    return {
      product,
      order: await insertOrder(database.db, fixture.tenantId, [{ productId: product.id, quantity }]),
    };
  };

  it('commits with a history row, announces sync.change then the catalog events, and leaves no lease', async () => {
    const { order, product } = await newOrder();
    const from = sink.events.length;
    const changed = await service.changeStatus(napa, { entityId: order.id, status: 'confirmed' });
    expect(changed).toMatchObject({
      ok: true,
      value: {
        change: { version: 2, field: 'status', before: 'pending', after: 'confirmed', userId: napa.user.id },
        order: { id: order.id, status: 'confirmed', version: 2 },
        stock: [{ productId: product.id, reserved: 2, available: 8 }],
      },
    });
    const events = sink.events.slice(from).map((e) => `${e.channel} ${e.event}`);
    expect(events).toEqual([
      `order:${order.id} sync.change`,
      'orders order.status_changed',
      `order:${order.id} order.status_changed`,
      'inventory stock.changed',
      `product:${product.id} stock.changed`,
    ]);
    const history = await service.history(anna, { entityType: 'order', entityId: order.id, limit: 10 });
    expect(history).toMatchObject({ ok: true, value: { items: [{ version: 2, field: 'status' }] } });
    const pulled = await service.pull(anna, { entityType: 'order', entityId: order.id, sinceVersion: 1 });
    expect(pulled).toMatchObject({ ok: true, value: { version: 2, changes: [{ version: 2 }] } });
    expect(await locks.get(statusKey(order.id))).toBeNull();
  });

  it('is refused with LOCKED naming the holder while someone else holds the status lease', async () => {
    const { order } = await newOrder();
    expect(
      (await service.acquireLock(anna, { entityType: 'order', entityId: order.id, section: 'status' })).ok,
    ).toBe(true);
    const from = sink.events.length;
    const refused = await service.changeStatus(napa, { entityId: order.id, status: 'confirmed' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'LOCKED', details: { holder: { userId: anna.user.id, userName: anna.user.name } } },
    });
    expect(sink.events.length).toBe(from);
    expect(await readOrder(database.db, order.id)).toMatchObject({ status: 'pending', version: 1 });
    // The holder changes it from the list as well, and keeps the lease the editor took.
    expect(await service.changeStatus(anna, { entityId: order.id, status: 'confirmed' })).toMatchObject({
      ok: true,
      value: { order: { status: 'confirmed', version: 2 } },
    });
    expect(await locks.get(statusKey(order.id))).toMatchObject({
      userId: anna.user.id,
      connectionId: 'conn-anna',
    });
  });

  it('answers STALE_VERSION, invalid_transition and insufficient_stock with their details', async () => {
    const { order, product } = await newOrder(1, 3);
    expect(
      await service.changeStatus(napa, { entityId: order.id, status: 'confirmed', expectedVersion: 7 }),
    ).toMatchObject({ ok: false, error: { code: 'STALE_VERSION', details: { currentVersion: 1 } } });
    expect(await service.changeStatus(napa, { entityId: order.id, status: 'pending' })).toMatchObject({
      ok: false,
      error: {
        code: 'VALIDATION',
        details: {
          reason: 'invalid_transition',
          from: 'pending',
          to: 'pending',
          allowed: ['confirmed', 'cancelled'],
        },
      },
    });
    expect(await service.changeStatus(napa, { entityId: order.id, status: 'confirmed' })).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        details: {
          reason: 'insufficient_stock',
          items: [{ productId: product.id, requested: 3, available: 1 }],
        },
      },
    });
    expect(await readOrder(database.db, order.id)).toMatchObject({ status: 'pending', version: 1 });
    expect(await locks.get(statusKey(order.id))).toBeNull();
    expect(
      await service.changeStatus(napa, { entityId: fixture.productIds[0]!, status: 'confirmed' }),
    ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('under last-write-wins ignores leases and commits on the current version', async () => {
    const { order } = await newOrder();
    await service.setPolicy(admin, {
      entityType: 'order',
      sections: { ...defaultOrderPolicy, status: 'last-write-wins' },
    });
    try {
      await service.acquireLock(anna, { entityType: 'order', entityId: order.id, section: 'status' });
      expect(await service.changeStatus(napa, { entityId: order.id, status: 'cancelled' })).toMatchObject({
        ok: true,
        value: { change: { strategy: 'last-write-wins', version: 2 }, order: { status: 'cancelled' } },
      });
    } finally {
      await service.setPolicy(admin, { entityType: 'order', sections: defaultOrderPolicy });
    }
  });

  it('refuses viewers', async () => {
    const { order } = await newOrder();
    const viewer = fixture.ctx(fixture.user('viewer@siam.example'));
    expect(await service.changeStatus(viewer, { entityId: order.id, status: 'confirmed' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
  });
});
