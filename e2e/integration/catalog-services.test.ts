import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, createCatalog } from '../../lib/catalog';
import { customers, products } from '../../lib/db/schema';
import type { Logger } from '../../lib/logger';
import { createOutboxRelay } from '../../lib/outbox/relay';
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

function catalogServices(kind: TestDbKind) {
  let database: TestDatabase;
  let catalog: Catalog;
  let actors: Awaited<ReturnType<typeof seededActors>>;
  const events = recordingPublisher();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const locks = createMemoryLockStore();
    // Writes that commit their events through the outbox reach the same recorder through a relay.
    const outbox = createOutboxRelay({ db: database.db, publish: events.publish });
    const sync = createSyncService({
      database,
      locks,
      publish: events.publish,
      flushOutbox: () => outbox.flush(),
    });
    catalog = createCatalog({ db: database.db, publish: events.publish, sync, outbox });
    actors = await seededActors(database.db);
  });
  afterAll(async () => {
    await database?.drop();
  });
  beforeEach(() => events.clear());

  const validProduct = () => ({
    sku: `NEW-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Pandan cake',
    priceMinor: 12_500,
    stock: 40,
  });

  describe('products', () => {
    it('refuses invalid input with a field-by-field 400 and publishes nothing', async () => {
      const result = await catalog.products.create(actors.sales, {
        sku: 'bad sku!',
        priceMinor: -1,
        extra: 1,
      });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error).toMatchObject({ code: 'VALIDATION', status: 400 });
      const fields = result.error.details?.fields as Record<string, string[]>;
      expect(Object.keys(fields)).toEqual(expect.arrayContaining(['sku', 'name', 'priceMinor']));
      expect(events.published).toHaveLength(0);
    });

    it('lets a viewer read but never write', async () => {
      const created = await catalog.products.create(actors.viewer, validProduct());
      expect(created).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', status: 403 } });
      const [any] = await database.db
        .select()
        .from(products)
        .where(eq(products.tenantId, actors.viewer.tenantId))
        .limit(1);
      expect((await catalog.products.get(actors.viewer, any!.id)).ok).toBe(true);
      const patched = await catalog.products.update(actors.viewer, any!.id, {
        expectedVersion: 1,
        changes: { name: 'x' },
      });
      expect(patched).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
      expect(await catalog.products.remove(actors.viewer, any!.id)).toMatchObject({
        ok: false,
        error: { status: 403 },
      });
      expect(
        await catalog.products.bulkUpdate(actors.viewer, {
          ids: [any!.id],
          operation: { kind: 'stock_adjust', delta: 1 },
        }),
      ).toMatchObject({ ok: false, error: { status: 403 } });
      expect(events.published).toHaveLength(0);
    });

    it('creates a product at version 1 and publishes product.created with the actor', async () => {
      const input = validProduct();
      const result = await catalog.products.create(actors.sales, input);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value).toMatchObject({
        sku: input.sku,
        version: 1,
        stock: 40,
        reserved: 0,
        available: 40,
      });
      expect(result.value).not.toHaveProperty('tenantId');
      const [created] = events.of('product.created', 'products');
      expect(created).toMatchObject({
        tenantId: actors.sales.tenantId,
        actor: { id: actors.sales.id, name: actors.sales.name },
        data: { id: result.value.id, version: 1, actor: { id: actors.sales.id } },
      });
      expect(events.of('stock.changed', 'inventory')[0]?.data).toMatchObject({
        items: [{ productId: result.value.id, stock: 40, reserved: 0, available: 40 }],
      });
      const again = await catalog.products.create(actors.admin, { ...validProduct(), sku: input.sku });
      expect(again).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT', status: 409, details: { reason: 'duplicate_sku' } },
      });
    });

    it('edits with the expected version, reports before/after and refuses a stale version', async () => {
      const product = await insertProduct(database.db, actors.sales.tenantId, {
        stock: 10,
        priceMinor: 5_000,
      });
      const result = await catalog.products.update(actors.sales, product.id, {
        expectedVersion: 1,
        changes: { name: 'Renamed', priceMinor: 5_500, stock: 12 },
      });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.product.version).toBe(2);
      expect(result.value.changes).toMatchObject({
        name: { before: 'Test product', after: 'Renamed' },
        priceMinor: { before: 5_000, after: 5_500 },
        stock: { before: 10, after: 12 },
        version: { before: 1, after: 2 },
      });
      expect(events.published.map((p) => `${p.channel} ${p.event}`)).toEqual([
        'products product.updated',
        `product:${product.id} product.updated`,
        'inventory stock.changed',
        `product:${product.id} stock.changed`,
        'pricing price.changed',
      ]);
      expect(events.of('price.changed')[0]?.data).toMatchObject({
        items: [{ productId: product.id, beforeMinor: 5_000, afterMinor: 5_500, version: 2 }],
      });
      events.clear();
      const stale = await catalog.products.update(actors.sales2, product.id, {
        expectedVersion: 1,
        changes: { name: 'Lost' },
      });
      expect(stale).toMatchObject({
        ok: false,
        error: { code: 'STALE_VERSION', status: 409, details: { currentVersion: 2 } },
      });
      expect((await readProduct(database.db, actors.sales.tenantId, product.id))?.name).toBe('Renamed');
      expect(events.published).toHaveLength(0);
    });

    it("answers another tenant's product as not found and leaves it alone", async () => {
      const product = await insertProduct(database.db, actors.sales.tenantId, { stock: 5 });
      const reads = await catalog.products.get(actors.otherAdmin, product.id);
      expect(reads).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', status: 404 } });
      const writes = await catalog.products.update(actors.otherAdmin, product.id, {
        expectedVersion: 1,
        changes: { stock: 0 },
      });
      expect(writes).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', status: 404 } });
      expect(await catalog.products.remove(actors.otherAdmin, product.id)).toMatchObject({
        ok: false,
        error: { status: 404 },
      });
      expect((await readProduct(database.db, actors.sales.tenantId, product.id))?.stock).toBe(5);
      expect(await catalog.products.get(actors.sales, 'not-a-uuid')).toMatchObject({
        ok: false,
        error: { status: 404 },
      });
    });

    it('never lets stock drop below what is reserved', async () => {
      const product = await insertProduct(database.db, actors.sales.tenantId, { stock: 10, reserved: 8 });
      const result = await catalog.products.update(actors.sales, product.id, {
        expectedVersion: 1,
        changes: { stock: 7 },
      });
      expect(result).toMatchObject({
        ok: false,
        error: { code: 'CONFLICT', details: { reason: 'insufficient_stock' } },
      });
      expect(await readProduct(database.db, actors.sales.tenantId, product.id)).toMatchObject({
        stock: 10,
        reserved: 8,
        version: 1,
      });
    });

    it('deletes an unused product and refuses one that is on an order (422)', async () => {
      const unused = await insertProduct(database.db, actors.sales.tenantId, { stock: 1 });
      const stale = await catalog.products.remove(actors.admin, unused.id, { expectedVersion: 9 });
      expect(stale).toMatchObject({ ok: false, error: { code: 'STALE_VERSION' } });
      expect(await catalog.products.remove(actors.admin, unused.id, { expectedVersion: 1 })).toEqual({
        ok: true,
        value: { id: unused.id, version: 1 },
      });
      expect(events.published.map((p) => `${p.channel} ${p.event}`)).toEqual([
        'products product.deleted',
        `product:${unused.id} product.deleted`,
      ]);
      expect(await readProduct(database.db, actors.sales.tenantId, unused.id)).toBeUndefined();
      const used = await insertProduct(database.db, actors.sales.tenantId, { stock: 5 });
      await insertOrder(database.db, actors.sales.tenantId, [{ productId: used.id, quantity: 1 }], 'draft');
      const refused = await catalog.products.remove(actors.admin, used.id);
      expect(refused).toMatchObject({ ok: false, error: { status: 422, details: { reason: 'in_use' } } });
    });
  });

  describe('publishing', () => {
    it('keeps a committed write when the hub refuses the event, and logs it', async () => {
      const logged: unknown[] = [];
      const failing = createCatalog({
        db: database.db,
        sync: createSyncService({ database, locks: createMemoryLockStore(), publish: events.publish }),
        publish: async () => {
          throw new Error('hub down');
        },
        logger: { error: (entry: unknown) => logged.push(entry) } as unknown as Logger,
      });
      const product = await insertProduct(database.db, actors.sales.tenantId, { stock: 3 });
      const result = await failing.products.update(actors.sales, product.id, {
        expectedVersion: 1,
        changes: { stock: 4 },
      });
      expect(result).toMatchObject({ ok: true, value: { product: { stock: 4, version: 2 } } });
      expect(await readProduct(database.db, actors.sales.tenantId, product.id)).toMatchObject({
        stock: 4,
        version: 2,
      });
      expect(logged).toHaveLength(4);
      expect(logged[0]).toMatchObject({ channel: 'products', event: 'product.updated' });
    });
  });

  describe('bulk updates', () => {
    it('changes 20 prices in one transaction and publishes one bulk event with every id and version', async () => {
      const made = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          insertProduct(database.db, actors.sales.tenantId, { stock: 10, priceMinor: 1_000 + i }),
        ),
      );
      const ids = made.map((p) => p.id);
      const result = await catalog.products.bulkUpdate(actors.sales, {
        ids,
        operation: { kind: 'price_percent', percent: 10 },
      });
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.value.count).toBe(20);
      for (const p of made) {
        const now = await readProduct(database.db, actors.sales.tenantId, p.id);
        expect(now).toMatchObject({ priceMinor: Math.round(p.priceMinor * 1.1), version: 2 });
      }
      const bulk = events.of('product.bulk_updated', 'products');
      expect(bulk).toHaveLength(1);
      const data = bulk[0]!.data as {
        ids: string[];
        items: { id: string; version: number }[];
        count: number;
      };
      expect(new Set(data.ids)).toEqual(new Set(ids));
      expect(data.items.every((item) => item.version === 2)).toBe(true);
      expect(events.of('price.changed', 'pricing')).toHaveLength(1);
      expect(events.of('product.updated').length).toBe(20);
      expect(events.of('product.updated', 'products')).toHaveLength(0);
    });

    it('changes nothing when one id belongs to another tenant or a row would break a rule', async () => {
      const mine = await insertProduct(database.db, actors.sales.tenantId, {
        stock: 10,
        reserved: 4,
        priceMinor: 100,
      });
      const theirs = await insertProduct(database.db, actors.otherAdmin.tenantId, { stock: 10 });
      const crossTenant = await catalog.products.bulkUpdate(actors.sales, {
        ids: [mine.id, theirs.id],
        operation: { kind: 'stock_adjust', delta: 1 },
      });
      expect(crossTenant).toMatchObject({ ok: false, error: { status: 404 } });
      const belowReserved = await catalog.products.bulkUpdate(actors.sales, {
        ids: [mine.id],
        operation: { kind: 'stock_adjust', delta: -7 },
      });
      expect(belowReserved).toMatchObject({
        ok: false,
        error: { status: 409, details: { reason: 'insufficient_stock' } },
      });
      const negativePrice = await catalog.products.bulkUpdate(actors.sales, {
        ids: [mine.id],
        operation: { kind: 'price_amount', amountMinor: -101 },
      });
      expect(negativePrice).toMatchObject({
        ok: false,
        error: { status: 422, details: { reason: 'price_negative', ids: [mine.id] } },
      });
      expect(await readProduct(database.db, actors.sales.tenantId, mine.id)).toMatchObject({
        stock: 10,
        priceMinor: 100,
        version: 1,
      });
      expect(await readProduct(database.db, actors.otherAdmin.tenantId, theirs.id)).toMatchObject({
        stock: 10,
        version: 1,
      });
      expect(events.published).toHaveLength(0);
      const adjusted = await catalog.products.bulkUpdate(actors.sales, {
        ids: [mine.id],
        operation: { kind: 'stock_adjust', delta: -6 },
      });
      expect(adjusted.ok).toBe(true);
      expect(events.of('stock.changed', 'inventory')[0]?.data).toMatchObject({
        items: [{ productId: mine.id, stock: 4, reserved: 4, available: 0, lowStock: true }],
      });
    });

    it('refuses more than 500 ids as too large and malformed ids as invalid', async () => {
      const ids = Array.from({ length: 501 }, () => crypto.randomUUID());
      expect(
        await catalog.products.bulkUpdate(actors.sales, {
          ids,
          operation: { kind: 'stock_adjust', delta: 1 },
        }),
      ).toMatchObject({
        ok: false,
        error: { code: 'PAYLOAD_TOO_LARGE', status: 413 },
      });
      expect(
        await catalog.products.bulkUpdate(actors.sales, { ids: ['x'], operation: { kind: 'grow' } }),
      ).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', status: 400 },
      });
    });
  });

  describe('customers', () => {
    const address = { line1: '1 Silom Rd', city: 'Bangkok', postalCode: '10500', country: 'TH' };

    it('creates, edits with versions, lists and hides other tenants', async () => {
      const invalid = await catalog.customers.create(actors.sales, { name: '', email: 'nope', address: {} });
      expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(
        await catalog.customers.create(actors.viewer, { name: 'A', email: 'a@b.example', address }),
      ).toMatchObject({ ok: false, error: { status: 403 } });
      const created = await catalog.customers.create(actors.sales, {
        name: 'Somsri Test',
        email: 'Somsri@Example.com',
        address,
      });
      expect(created.ok).toBe(true);
      if (!created.ok) return;
      expect(created.value).toMatchObject({
        email: 'somsri@example.com',
        version: 1,
        address: { line2: '' },
      });
      expect(events.of('customer.created', 'customers')).toHaveLength(1);
      const updated = await catalog.customers.update(actors.admin, created.value.id, {
        expectedVersion: 1,
        changes: { phone: '+66 2 000 0000' },
      });
      expect(updated).toMatchObject({
        ok: true,
        value: { customer: { version: 2 }, changes: { phone: { before: '', after: '+66 2 000 0000' } } },
      });
      expect(events.of('customer.updated', 'customers')[0]?.data).toMatchObject({
        id: created.value.id,
        version: 2,
      });
      const stale = await catalog.customers.update(actors.sales, created.value.id, {
        expectedVersion: 1,
        changes: { phone: 'x' },
      });
      expect(stale).toMatchObject({ ok: false, error: { code: 'STALE_VERSION' } });
      expect(await catalog.customers.get(actors.otherAdmin, created.value.id)).toMatchObject({
        ok: false,
        error: { status: 404 },
      });
      expect(
        await catalog.customers.update(actors.otherAdmin, created.value.id, {
          expectedVersion: 2,
          changes: { name: 'x' },
        }),
      ).toMatchObject({ ok: false, error: { status: 404 } });
      const page = await catalog.customers.list(actors.viewer, { q: 'somsri' });
      expect(page).toMatchObject({ ok: true, value: { total: 1, items: [{ id: created.value.id }] } });
      const theirs = await catalog.customers.list(actors.otherAdmin, { q: 'somsri' });
      expect(theirs).toMatchObject({ ok: true, value: { total: 0 } });
      const [row] = await database.db.select().from(customers).where(eq(customers.id, created.value.id));
      expect(row?.tenantId).toBe(actors.sales.tenantId);
    });
  });

  describe('order creation', () => {
    it("creates a draft at today's prices, numbered after the last, and publishes order.created", async () => {
      const tenantId = actors.sales.tenantId;
      const [customer] = await database.db.select().from(customers).where(eq(customers.tenantId, tenantId));
      const a = await insertProduct(database.db, tenantId, { stock: 5, priceMinor: 12_000 });
      const b = await insertProduct(database.db, tenantId, { stock: 0, priceMinor: 999 });
      const created = await catalog.orders.create(actors.sales, {
        customerId: customer!.id,
        notes: 'Deliver before noon',
        lines: [
          { productId: a.id, quantity: 2 },
          { productId: b.id, quantity: 3 },
        ],
      });
      expect(created).toMatchObject({
        ok: true,
        value: {
          status: 'draft',
          customerId: customer!.id,
          customerName: customer!.name,
          itemCount: 5,
          totalMinor: 2 * 12_000 + 3 * 999,
          version: 1,
        },
      });
      if (!created.ok) return;
      expect(created.value.number).toMatch(/SO-\d+$/);
      const [event] = events.of('order.created', 'orders');
      expect(event).toMatchObject({
        tenantId,
        actor: { id: actors.sales.id },
        data: { id: created.value.id, version: 1, fields: [], order: created.value },
      });
      const again = await catalog.orders.create(actors.admin, {
        customerId: customer!.id,
        lines: [{ productId: a.id, quantity: 1 }],
      });
      if (!again.ok) throw new Error('second order refused');
      const n = (number: string) => Number(/(\d+)$/.exec(number)?.[1]);
      expect(n(again.value.number)).toBe(n(created.value.number) + 1);
      // The draft reserves nothing.
      expect((await readProduct(database.db, tenantId, a.id))?.reserved).toBe(0);
    });

    it("refuses viewers, bad input, other tenants' customers and unknown products, publishing nothing", async () => {
      const tenantId = actors.sales.tenantId;
      const [customer] = await database.db.select().from(customers).where(eq(customers.tenantId, tenantId));
      const [theirs] = await database.db
        .select()
        .from(customers)
        .where(eq(customers.tenantId, actors.otherAdmin.tenantId));
      const product = await insertProduct(database.db, tenantId, { stock: 5 });
      const line = { productId: product.id, quantity: 1 };
      expect(
        await catalog.orders.create(actors.viewer, { customerId: customer!.id, lines: [line] }),
      ).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', status: 403 } });
      const invalid = await catalog.orders.create(actors.sales, {
        customerId: 'nope',
        lines: [{ productId: product.id, quantity: 0 }],
        extra: true,
      });
      expect(invalid).toMatchObject({ ok: false, error: { code: 'VALIDATION', status: 400 } });
      if (invalid.ok) return;
      expect(Object.keys(invalid.error.details?.fields as object)).toEqual(
        expect.arrayContaining(['customerId', 'lines.0.quantity', '_']),
      );
      expect(
        await catalog.orders.create(actors.sales, { customerId: customer!.id, lines: [] }),
      ).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      expect(
        await catalog.orders.create(actors.sales, { customerId: theirs!.id, lines: [line] }),
      ).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', status: 404 } });
      const foreign = await insertProduct(database.db, actors.otherAdmin.tenantId, { stock: 5 });
      expect(
        await catalog.orders.create(actors.sales, {
          customerId: customer!.id,
          lines: [line, { productId: foreign.id, quantity: 1 }],
        }),
      ).toMatchObject({
        ok: false,
        error: {
          code: 'VALIDATION',
          status: 422,
          details: { reason: 'unknown_products', ids: [foreign.id] },
        },
      });
      expect(events.published).toHaveLength(0);
    });

    it('announces a status change to the lists as order.updated with the row after it', async () => {
      const tenantId = actors.sales.tenantId;
      const product = await insertProduct(database.db, tenantId, { stock: 10 });
      const order = await insertOrder(
        database.db,
        tenantId,
        [{ productId: product.id, quantity: 2 }],
        'pending',
      );
      const moved = await catalog.orders.changeStatus(actors.sales, order.id, { status: 'confirmed' });
      expect(moved.ok).toBe(true);
      expect(events.of('order.updated', 'orders')).toEqual([
        expect.objectContaining({
          data: expect.objectContaining({
            id: order.id,
            version: 2,
            fields: ['status'],
            order: expect.objectContaining({ status: 'confirmed', itemCount: 2, version: 2 }),
          }),
        }),
      ]);
    });
  });

  describe('order status', () => {
    it('walks the transition table and moves stock with it', async () => {
      const a = await insertProduct(database.db, actors.sales.tenantId, { stock: 10 });
      const b = await insertProduct(database.db, actors.sales.tenantId, { stock: 4 });
      const order = await insertOrder(
        database.db,
        actors.sales.tenantId,
        [
          { productId: a.id, quantity: 3 },
          { productId: b.id, quantity: 4 },
          { productId: a.id, quantity: 2 },
        ],
        'draft',
      );
      const skip = await catalog.orders.changeStatus(actors.sales, order.id, { status: 'confirmed' });
      expect(skip).toMatchObject({
        ok: false,
        error: {
          code: 'CONFLICT',
          status: 409,
          details: { reason: 'invalid_transition', allowed: ['pending', 'cancelled'] },
        },
      });
      expect(
        await catalog.orders.changeStatus(actors.sales, order.id, { status: 'pending', expectedVersion: 1 }),
      ).toMatchObject({ ok: true, value: { order: { status: 'pending', version: 2 }, stock: [] } });
      const confirmed = await catalog.orders.changeStatus(actors.sales, order.id, {
        status: 'confirmed',
        expectedVersion: 2,
      });
      expect(confirmed.ok).toBe(true);
      expect(await readProduct(database.db, actors.sales.tenantId, a.id)).toMatchObject({
        stock: 10,
        reserved: 5,
        version: 2,
      });
      expect(await readProduct(database.db, actors.sales.tenantId, b.id)).toMatchObject({
        stock: 4,
        reserved: 4,
        version: 2,
      });
      expect(events.of('order.status_changed', 'orders').at(-1)?.data).toMatchObject({
        id: order.id,
        from: 'pending',
        to: 'confirmed',
        version: 3,
        changes: { status: { before: 'pending', after: 'confirmed' } },
      });
      expect(events.of('order.status_changed', `order:${order.id}`)).toHaveLength(2);
      expect(events.of('stock.changed', 'inventory').at(-1)?.data).toMatchObject({
        cause: { kind: 'order.status_changed', orderId: order.id },
      });
      const shipped = await catalog.orders.changeStatus(actors.admin, order.id, { status: 'shipped' });
      expect(shipped.ok).toBe(true);
      expect(await readProduct(database.db, actors.sales.tenantId, a.id)).toMatchObject({
        stock: 5,
        reserved: 0,
      });
      expect(await readProduct(database.db, actors.sales.tenantId, b.id)).toMatchObject({
        stock: 0,
        reserved: 0,
      });
      expect(
        await catalog.orders.changeStatus(actors.admin, order.id, { status: 'cancelled' }),
      ).toMatchObject({ ok: false, error: { status: 409 } });
      expect(
        await catalog.orders.changeStatus(actors.admin, order.id, { status: 'delivered' }),
      ).toMatchObject({ ok: true });
      expect(await catalog.orders.changeStatus(actors.admin, order.id, { status: 'shipped' })).toMatchObject({
        ok: false,
        error: { details: { allowed: [] } },
      });
    });

    it('releases the reservation when a confirmed order is cancelled', async () => {
      const p = await insertProduct(database.db, actors.sales.tenantId, { stock: 6 });
      const order = await insertOrder(database.db, actors.sales.tenantId, [{ productId: p.id, quantity: 6 }]);
      expect((await catalog.orders.changeStatus(actors.sales, order.id, { status: 'confirmed' })).ok).toBe(
        true,
      );
      expect(await readProduct(database.db, actors.sales.tenantId, p.id)).toMatchObject({ reserved: 6 });
      expect((await catalog.orders.changeStatus(actors.sales, order.id, { status: 'cancelled' })).ok).toBe(
        true,
      );
      expect(await readProduct(database.db, actors.sales.tenantId, p.id)).toMatchObject({
        stock: 6,
        reserved: 0,
      });
    });

    it('refuses a confirmation without enough stock and changes nothing', async () => {
      const plenty = await insertProduct(database.db, actors.sales.tenantId, { stock: 100 });
      const scarce = await insertProduct(database.db, actors.sales.tenantId, { stock: 3, reserved: 1 });
      const order = await insertOrder(database.db, actors.sales.tenantId, [
        { productId: plenty.id, quantity: 5 },
        { productId: scarce.id, quantity: 3 },
      ]);
      const result = await catalog.orders.changeStatus(actors.sales, order.id, { status: 'confirmed' });
      expect(result).toMatchObject({
        ok: false,
        error: {
          code: 'CONFLICT',
          status: 409,
          details: {
            reason: 'insufficient_stock',
            items: [{ productId: scarce.id, requested: 3, available: 2 }],
          },
        },
      });
      expect(await readProduct(database.db, actors.sales.tenantId, plenty.id)).toMatchObject({
        reserved: 0,
        version: 1,
      });
      expect(await readProduct(database.db, actors.sales.tenantId, scarce.id)).toMatchObject({
        reserved: 1,
        version: 1,
      });
      expect(await readOrder(database.db, order.id)).toMatchObject({ status: 'pending', version: 1 });
      expect(events.published).toHaveLength(0);
    });

    it('checks role, tenant, version and input', async () => {
      const p = await insertProduct(database.db, actors.sales.tenantId, { stock: 6 });
      const order = await insertOrder(database.db, actors.sales.tenantId, [{ productId: p.id, quantity: 1 }]);
      expect(
        await catalog.orders.changeStatus(actors.viewer, order.id, { status: 'confirmed' }),
      ).toMatchObject({ ok: false, error: { status: 403 } });
      expect(
        await catalog.orders.changeStatus(actors.otherAdmin, order.id, { status: 'confirmed' }),
      ).toMatchObject({ ok: false, error: { status: 404 } });
      expect(
        await catalog.orders.changeStatus(actors.sales, order.id, {
          status: 'confirmed',
          expectedVersion: 7,
        }),
      ).toMatchObject({ ok: false, error: { code: 'STALE_VERSION', details: { currentVersion: 1 } } });
      expect(await catalog.orders.changeStatus(actors.sales, order.id, { status: 'lost' })).toMatchObject({
        ok: false,
        error: { status: 400 },
      });
      expect(await readOrder(database.db, order.id)).toMatchObject({ status: 'pending', version: 1 });
    });
  });
}

describe('catalog services: PGlite', () => catalogServices('pglite'));
describe.runIf(await postgresAvailable())('catalog services: PostgreSQL', () => catalogServices('postgres'));
