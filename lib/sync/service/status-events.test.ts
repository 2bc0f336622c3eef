import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertProduct, recordingPublisher } from '../../../e2e/support/catalog-fixtures';
import { postgresAvailable } from '../../../e2e/support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../../../e2e/support/test-db';
import type { ActivityInput } from '../../activity/record';
import { createCatalog } from '../../catalog';
import type { ChangeResult, EditOp } from '../types';
import type { SyncContext } from './context';
import { createMemoryLockStore } from './locks/memory-lock-store';
import { createSyncService, type SyncService } from './sync-service';
import { createEventSink, loadSyncFixture, type PublishedEvent } from './testing';

const kinds: TestDbKind[] = ['pglite'];
if (await postgresAvailable()) kinds.push('postgres');

type StatusData = {
  id: string;
  number: string;
  from: string;
  to: string;
  version: number;
  changes: Record<string, { before: unknown; after: unknown }>;
  stock: { productId: string; stock: number; reserved: number; available: number }[];
  actor: { id: string; name: string };
};

/** A status change made through sync reaches the same channels, with the same payloads, as the catalog's. */
function statusEventsSuite(kind: TestDbKind) {
  let database: TestDatabase;
  let service: SyncService;
  let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;
  const sink = createEventSink();
  const activity: ActivityInput[] = [];
  let anna: SyncContext;
  let napa: SyncContext;
  let seq = 0;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    service = createSyncService({
      database,
      locks: createMemoryLockStore(),
      publish: sink.publish,
      activity: async (input) => activity.push(input),
    });
    fixture = await loadSyncFixture(database);
    anna = fixture.ctx(fixture.user('anna@siam.example'), 'conn-anna');
    napa = fixture.ctx(fixture.user('napa@siam.example'), 'conn-napa');
  });
  afterAll(() => database.drop());

  async function push(ctx: SyncContext, entityId: string, field: string, op: EditOp): Promise<ChangeResult> {
    const opened = await service.open(ctx, { entityType: 'order', entityId });
    if (!opened.ok) throw new Error(opened.error.message);
    const pushed = await service.push(ctx, {
      entityType: 'order',
      entityId,
      changes: [{ clientChangeId: `s-${++seq}`, baseVersion: opened.value.version, field, op }],
    });
    if (!pushed.ok) throw new Error(pushed.error.code);
    return pushed.value.results[0]!;
  }

  /** The events one step published (the sink keeps everything; each step reads only its own). */
  async function step(run: () => Promise<ChangeResult>) {
    const from = sink.events.length;
    const result = await run();
    const events = sink.events.slice(from);
    const of = (event: string, channel: string) =>
      events.filter((e) => e.event === event && e.channel === channel);
    return { result, events, of };
  }
  const data = (e: PublishedEvent | undefined) => e?.data as StatusData;

  describe(`status events on ${kind}`, () => {
    it('publishes order.status_changed and stock.changed where the catalog does, and labels the activity', async () => {
      const id = fixture.draftOrderIds[0]!;
      const product = await insertProduct(database.db, fixture.tenantId, { stock: 10 });
      // The order holds one line of a product with known stock.
      const opened = await service.open(anna, { entityType: 'order', entityId: id });
      if (!opened.ok) throw new Error(opened.error.message);
      for (const line of opened.value.doc.lines)
        expect(await push(anna, id, 'lines', { type: 'line.remove', lineId: line.id })).toMatchObject({
          status: 'applied',
        });
      const line = { id: randomUUID(), productId: product.id, quantity: 3 };
      expect(await push(anna, id, 'lines', { type: 'line.add', line })).toMatchObject({ status: 'applied' });
      expect(
        (await service.acquireLock(anna, { entityType: 'order', entityId: id, section: 'status' })).ok,
      ).toBe(true);

      // Someone without the lock is refused: nothing is announced.
      const refused = await step(() => push(napa, id, 'status', { type: 'set', value: 'pending' }));
      expect(refused.result).toMatchObject({ status: 'rejected', code: 'LOCKED' });
      expect(refused.events).toEqual([]);

      // draft → pending moves no stock: the order events only.
      const pending = await step(() => push(anna, id, 'status', { type: 'set', value: 'pending' }));
      expect(pending.result).toMatchObject({ status: 'applied' });
      expect(pending.events.map((e) => `${e.channel} ${e.event}`)).toEqual([
        `order:${id} sync.change`,
        `orders order.status_changed`,
        `order:${id} order.status_changed`,
      ]);
      const moved = data(pending.of('order.status_changed', 'orders')[0]);
      const version = pending.result.status === 'applied' ? pending.result.version : -1;
      expect(moved).toMatchObject({
        id,
        from: 'draft',
        to: 'pending',
        version,
        changes: {
          status: { before: 'draft', after: 'pending' },
          version: { before: version - 1, after: version },
        },
        stock: [],
        actor: { id: anna.user.id, name: anna.user.name },
      });
      expect(moved.number).toMatch(/\S/);
      const recorded = activity.filter((a) => a.entityId === id && a.changes?.status);
      expect(recorded.at(-1)).toMatchObject({
        action: 'updated',
        entityLabel: moved.number,
        changes: { status: { before: 'draft', after: 'pending' } },
      });

      // pending → confirmed reserves: inventory and the product's room hear it.
      const confirmed = await step(() => push(anna, id, 'status', { type: 'set', value: 'confirmed' }));
      expect(confirmed.result).toMatchObject({ status: 'applied' });
      const reserved = { productId: product.id, stock: 10, reserved: 3, available: 7 };
      expect(data(confirmed.of('order.status_changed', 'orders')[0]).stock).toEqual([
        expect.objectContaining(reserved),
      ]);
      const cause = { kind: 'order.status_changed', orderId: id, from: 'pending', to: 'confirmed' };
      expect(confirmed.of('stock.changed', 'inventory').map((e) => e.data)).toEqual([
        expect.objectContaining({ cause, items: [expect.objectContaining(reserved)] }),
      ]);
      expect(confirmed.of('stock.changed', `product:${product.id}`)).toHaveLength(1);

      // confirmed → cancelled releases the reservation.
      const cancelled = await step(() => push(anna, id, 'status', { type: 'set', value: 'cancelled' }));
      expect(cancelled.result).toMatchObject({ status: 'applied' });
      expect(cancelled.of('stock.changed', 'inventory').map((e) => e.data)).toEqual([
        expect.objectContaining({
          items: [expect.objectContaining({ productId: product.id, reserved: 0, available: 10 })],
        }),
      ]);

      // A refused transition announces nothing.
      const invalid = await step(() => push(anna, id, 'status', { type: 'set', value: 'pending' }));
      expect(invalid.result).toMatchObject({ status: 'rejected', code: 'VALIDATION' });
      expect(invalid.events).toEqual([]);
    });

    it('carries the same fields as the catalog status change', async () => {
      const catalogPublisher = recordingPublisher();
      const catalog = createCatalog({
        db: database.db,
        publish: catalogPublisher.publish,
        // The catalog's status change commits through a sync service of its own here, announcing to its publisher.
        sync: createSyncService({
          database,
          locks: createMemoryLockStore(),
          publish: catalogPublisher.publish,
        }),
      });
      const other = fixture.draftOrderIds[1]!;
      const viaCatalog = await catalog.orders.changeStatus(anna.user, other, { status: 'pending' });
      expect(viaCatalog.ok).toBe(true);
      const id = fixture.draftOrderIds[2]!;
      await service.acquireLock(anna, { entityType: 'order', entityId: id, section: 'status' });
      const viaSync = await step(() => push(anna, id, 'status', { type: 'set', value: 'pending' }));
      const keys = (e: { data: unknown } | undefined) => Object.keys((e?.data ?? {}) as object).sort();
      for (const [ours, theirs] of [
        ['orders', 'orders'],
        [`order:${id}`, `order:${other}`],
      ] as const) {
        const mine = viaSync.of('order.status_changed', ours);
        expect(mine).toHaveLength(1);
        expect(keys(mine[0])).toEqual(keys(catalogPublisher.of('order.status_changed', theirs)[0]));
        expect(keys(mine[0]).length).toBeGreaterThan(5);
      }
    });
  });
}

for (const kind of kinds) statusEventsSuite(kind);
