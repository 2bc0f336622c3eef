import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-db';
import { entityChanges, orders } from '../../db/schema';
import type { SyncUser } from '../service/context';
import { loadSyncFixture } from '../service/testing';
import { createServiceNetwork } from '../testing/service-network';
import { createDurableOutbox } from './durable-outbox';
import { createMemoryOutboxStore } from './outbox-store';
import { createRealtimeSyncManager, type RealtimeSyncManager } from './realtime-sync-manager';
import { createMemoryTabLocks } from './tab-locks';

// The manager with a durable outbox against the real service over the fake network: a "reload" is the old
// manager stopped (what it stored stays) and a new one made with the same store.
let database: TestDatabase;
let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  fixture = await loadSyncFixture(database);
});
afterAll(() => database.drop());

function setup(orderIndex: number) {
  const { time, network } = createServiceNetwork(database);
  const orderId = fixture.editableOrderIds[orderIndex]!;
  const store = createMemoryOutboxStore();
  const tabLocks = createMemoryTabLocks();
  let ids = 0;
  let pages = 0;
  const drain = async () => {
    while (await network.step());
  };
  /** Lets everything queued run, then moves time on so throttled pushes go, a few times over. */
  const settle = async () => {
    for (let i = 0; i < 6; i++) {
      await drain();
      time.advance(200);
    }
    await drain();
  };
  const open = async (person: SyncUser, name: string, limit?: number) => {
    const transport = network.connect({ user: person }, `${name}-${++pages}`);
    const outbox = createDurableOutbox({
      store,
      locks: tabLocks,
      entityId: orderId,
      userId: person.id,
      ...(limit === undefined ? {} : { limit }),
    });
    const manager = createRealtimeSyncManager({
      transport,
      entityId: orderId,
      user: { id: person.id, name: person.name },
      clock: time.clock,
      newId: () => `${name}-r${orderIndex}-${++ids}`,
      outbox,
    });
    let started = false;
    const starting = manager.startSync().then(() => {
      started = true;
    });
    while (!started) {
      await drain();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await starting;
    return { manager, transport };
  };
  const history = async () =>
    database.db
      .select()
      .from(entityChanges)
      .where(and(eq(entityChanges.entityId, orderId)));
  const saved = async () => (await database.db.select().from(orders).where(eq(orders.id, orderId)))[0]!;
  return { time, network, open, drain, settle, store, orderId, history, saved };
}

/**
 * Anna's page, offline, changes a line's quantity while Napa removes that line; the page then closes with the
 * edit left in its outbox. Returns Napa's page (still open) and the line.
 */
async function quantityLeftForARemovedLine(t: ReturnType<typeof setup>) {
  const anna = fixture.user('anna@siam.example');
  const first = await t.open(anna, 'anna');
  const other = await t.open(fixture.user('napa@siam.example'), 'napa');
  const line = first.manager.getSnapshot().doc!.lines[0]!;
  await first.transport.disconnect();
  first.manager.pushChange(`lines.${line.id}.quantity`, line.quantity + 5);
  // Meanwhile a colleague removes that line.
  other.manager.removeLine(line.id);
  await t.settle();
  await first.manager.stopSync();
  return { t, anna, other, line };
}

const onceEach = (rows: { clientChangeId: string }[], ids: string[]) =>
  ids.map((id) => rows.filter((r) => r.clientChangeId === id).length);

const ids = (manager: RealtimeSyncManager) => manager.getSnapshot().localChanges.map((c) => c.clientChangeId);

describe('durable outbox in the sync manager', () => {
  it('replays edits made offline after a reload, in order and once each, and empties the outbox', async () => {
    const t = setup(0);
    const anna = fixture.user('anna@siam.example');
    const first = await t.open(anna, 'anna');
    await first.transport.disconnect();
    const notes = first.manager.getSnapshot().doc!.notes;
    first.manager.pushChange('notes', `${notes} ออฟไลน์ 🇹🇭`);
    first.manager.pushChange('notes', `${notes} ออฟไลน์ 🇹🇭 แล้ว`);
    const line = {
      id: '7d1c8c1e-8f43-4c55-9c1c-3f2f6f0e0a01',
      productId: fixture.productIds[0]!,
      quantity: 3,
    };
    first.manager.addLine(line);
    expect(first.manager.getSnapshot().outbox).toMatchObject({ kept: 2, durable: true, full: false });
    const queued = ids(first.manager);
    // The page reloads: nothing of its memory survives; what it stored does.
    await first.manager.stopSync();
    expect(
      (await t.store.load(t.orderId, anna.id)).flatMap((r) => r.changes.map((c) => c.clientChangeId)),
    ).toEqual(queued);
    const second = await t.open(anna, 'anna');
    await t.settle();
    const snapshot = second.manager.getSnapshot();
    expect(snapshot.notices).toContainEqual(expect.objectContaining({ kind: 'restored', count: 2 }));
    expect(snapshot.syncState).toBe('synced');
    const order = await t.saved();
    expect(order.notes).toBe(`${notes} ออฟไลน์ 🇹🇭 แล้ว`);
    expect(snapshot.doc!.notes).toBe(order.notes);
    expect(snapshot.doc!.lines.filter((l) => l.id === line.id)).toHaveLength(1);
    // Replayed as what was meant: the notes once, the line once (carried over by intent, in today's op).
    const rows = await t.history();
    expect(rows.filter((r) => r.field === 'notes' && String(r.after).includes('ออฟไลน์'))).toHaveLength(1);
    expect(rows.filter((r) => r.op && JSON.stringify(r.op).includes(line.id))).toHaveLength(1);
    await expect.poll(async () => t.store.load(t.orderId, anna.id)).toEqual([]);
    await second.manager.stopSync();
  });

  it('does not apply twice an edit the server took before the reload but never answered', async () => {
    const t = setup(1);
    const anna = fixture.user('anna@siam.example');
    const first = await t.open(anna, 'anna');
    const notes = first.manager.getSnapshot().doc!.notes;
    const address = first.manager.getSnapshot().doc!.shippingAddress;
    first.manager.pushChange('notes', `${notes} ✅once`);
    first.manager.pushChange('shippingAddress', { ...address, city: 'เชียงใหม่' });
    t.time.advance(200); // the push goes out
    expect(await t.network.step()).toBe(true); // the server commits it; the answer waits on the wire
    await first.transport.disconnect(); // and is lost with the connection
    const sent = ids(first.manager);
    expect(sent).toHaveLength(2);
    await first.manager.stopSync();
    const second = await t.open(anna, 'anna');
    await t.settle();
    const order = await t.saved();
    expect(order.notes).toBe(`${notes} ✅once`);
    expect(order.shippingAddress).toMatchObject({ city: 'เชียงใหม่' });
    const rows = await t.history();
    expect(onceEach(rows, sent)).toEqual([1, 1]);
    expect(rows.filter((r) => r.field === 'notes' && String(r.after).includes('✅once'))).toHaveLength(1);
    expect(second.manager.getSnapshot().doc).toEqual(expect.objectContaining({ notes: order.notes }));
    await second.manager.stopSync();
  });

  it('tells the author when the server refuses a replayed edit', async () => {
    const { t, anna, other, line } = await quantityLeftForARemovedLine(setup(2));
    const second = await t.open(anna, 'anna');
    await t.settle();
    expect(second.manager.getSnapshot().notices).toContainEqual(
      // Named by its product, which only the page that made the edit had seen.
      expect.objectContaining({
        kind: 'rejected',
        field: `lines.${line.id}.quantity`,
        productId: line.productId,
      }),
    );
    expect(second.manager.getSnapshot().doc!.lines.some((l) => l.id === line.id)).toBe(false);
    expect(second.manager.getSnapshot().outbox.kept).toBe(0);
    await second.manager.stopSync();
    await other.manager.stopSync();
  });

  // A page that adopted the outbox was gone before it sent the edit: its own record had the reopened order as
  // its basis, where the line no longer is, so the next page named the field alone ("quantity was refused").
  it('names the removed line by its product after the outbox passed through a page that never sent it', async () => {
    const { t, anna, other, line } = await quantityLeftForARemovedLine(setup(4));
    // The second page adopts it, reopens (the line is gone there) and is reloaded before its push goes out.
    const second = await t.open(anna, 'anna');
    expect(second.manager.getSnapshot().localChanges).toHaveLength(1);
    await second.manager.stopSync();
    const third = await t.open(anna, 'anna');
    await t.settle();
    expect(third.manager.getSnapshot().notices).toContainEqual(
      expect.objectContaining({
        kind: 'rejected',
        field: `lines.${line.id}.quantity`,
        productId: line.productId,
      }),
    );
    expect(third.manager.getSnapshot().outbox.kept).toBe(0);
    await third.manager.stopSync();
    await other.manager.stopSync();
  });

  it('refuses a new edit at the bound and says so, keeping every queued one', async () => {
    const t = setup(3);
    const anna = fixture.user('anna@siam.example');
    const page = await t.open(anna, 'anna', 3);
    await page.transport.disconnect();
    const lineIds = [
      'a0000000-0000-4000-8000-000000000001',
      'a0000000-0000-4000-8000-000000000002',
      'a0000000-0000-4000-8000-000000000003',
      'a0000000-0000-4000-8000-000000000004',
    ];
    for (const id of lineIds) page.manager.addLine({ id, productId: fixture.productIds[1]!, quantity: 1 });
    const snapshot = page.manager.getSnapshot();
    expect(snapshot.localChanges).toHaveLength(3);
    expect(snapshot.outbox).toMatchObject({ kept: 3, limit: 3, full: true });
    expect(snapshot.notices).toContainEqual(expect.objectContaining({ kind: 'outbox-full', limit: 3 }));
    expect(snapshot.doc!.lines.map((l) => l.id)).toEqual(expect.arrayContaining(lineIds.slice(0, 3)));
    expect(snapshot.doc!.lines.map((l) => l.id)).not.toContain(lineIds[3]);
    // Typing into the queued notes is not a new entry... but a first notes edit is, and is refused too.
    page.manager.pushChange('notes', 'x');
    expect(page.manager.getSnapshot().localChanges).toHaveLength(3);
    page.transport.reconnect();
    await t.settle();
    const order = await t.saved();
    expect(page.manager.getSnapshot().outbox).toMatchObject({ kept: 0, full: false });
    const rows = await t.history();
    for (const id of lineIds.slice(0, 3))
      expect(rows.filter((r) => JSON.stringify(r.op).includes(id))).toHaveLength(1);
    expect(order.version).toBe(page.manager.getSnapshot().version);
    await page.manager.stopSync();
  });
});
