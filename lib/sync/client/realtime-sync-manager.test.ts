import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-db';
import { orders } from '../../db/schema';
import type { SyncUser } from '../service/context';
import { createMemoryLockStore } from '../service/locks/memory-lock-store';
import { syncHandlers } from '../service/register';
import { createSyncService } from '../service/sync-service';
import { loadSyncFixture } from '../service/testing';
import { createFakeClock } from '../testing/fake-clock';
import { createFakeNetwork } from '../testing/fake-network';
import { createRealtimeSyncManager } from './realtime-sync-manager';

// The manager against the real service over the fake network: time only moves when the test says so.
let database: TestDatabase;
let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  fixture = await loadSyncFixture(database);
});
afterAll(() => database.drop());

function setup(orderIndex: number) {
  const time = createFakeClock();
  let seq = 0;
  const network = createFakeNetwork(
    syncHandlers(
      createSyncService({
        database,
        locks: createMemoryLockStore(time.now),
        publish: (input) => network.publish(input),
        now: time.now,
      }),
    ),
    () => (seq++ % 7) / 7,
  );
  const orderId = fixture.editableOrderIds[orderIndex]!;
  const pushes: string[] = [];
  let ids = 0;
  const join = async (person: SyncUser, name: string) => {
    const transport = network.connect({ user: person }, name);
    const rpc = transport.rpc.bind(transport);
    transport.rpc = (method, params) => {
      if (method === 'sync.push') pushes.push(name);
      return rpc(method, params);
    };
    const manager = createRealtimeSyncManager({
      transport,
      entityId: orderId,
      user: { id: person.id, name: person.name },
      clock: time.clock,
      newId: () => `${name}-${orderIndex}-${++ids}`,
    });
    const started = manager.startSync();
    await drain();
    await started;
    return { manager, transport };
  };
  const drain = async () => {
    while (await network.step());
  };
  return { time, network, join, drain, pushes, orderId };
}

describe('RealtimeSyncManager', () => {
  it('applies edits at once and pushes at most once per 100 ms per field while typing', async () => {
    const { time, join, drain, pushes } = setup(7);
    const { manager } = await join(fixture.user('anna@siam.example'), 'anna');
    const start = manager.getSnapshot().doc!.notes;
    for (let i = 0; i < 10; i++) {
      manager.pushChange('notes', `${manager.getSnapshot().doc!.notes}${i}`);
      time.advance(5);
      await drain();
    }
    expect(manager.getSnapshot().doc!.notes).toBe(`${start}0123456789`);
    expect(pushes.length).toBeLessThanOrEqual(1);
    time.advance(100);
    await drain();
    time.advance(100);
    await drain();
    expect(pushes.length).toBeLessThanOrEqual(3);
    expect(manager.isSettled()).toBe(true);
    expect(manager.getSnapshot().syncState).toBe('synced');
    expect(manager.getSnapshot().lastSyncedAt).not.toBeNull();
  });

  it('queues edits offline and replays them once after reconnecting', async () => {
    const { time, join, drain } = setup(8);
    const anna = await join(fixture.user('anna@siam.example'), 'anna');
    const napa = await join(fixture.user('napa@siam.example'), 'napa');
    anna.manager.pushChange('notes', 'base');
    time.advance(200);
    await drain();
    await anna.transport.disconnect();
    expect(anna.manager.getSnapshot().syncState).toBe('offline');
    const notes = anna.manager.getSnapshot().doc!.notes;
    anna.manager.pushChange('notes', `${notes} offline`);
    napa.manager.pushChange('notes', `online ${notes}`);
    time.advance(200);
    await drain();
    expect(anna.manager.getSnapshot().localChanges).toHaveLength(1);
    anna.transport.reconnect();
    for (let i = 0; i < 5; i++) {
      time.advance(200);
      await drain();
    }
    const expected = `online ${notes} offline`;
    expect(anna.manager.getSnapshot().doc!.notes).toBe(expected);
    expect(napa.manager.getSnapshot().doc!.notes).toBe(expected);
    expect(anna.manager.isSettled()).toBe(true);
  });

  it('surfaces a manual conflict, an overwrite and a lock held by someone else', async () => {
    const { time, join, drain } = setup(9);
    const anna = await join(fixture.user('anna@siam.example'), 'anna');
    const napa = await join(fixture.user('napa@siam.example'), 'napa');
    const address = anna.manager.getSnapshot().doc!.shippingAddress;
    const line = anna.manager.getSnapshot().doc!.lines[0]!;
    anna.manager.pushChange('shippingAddress', { ...address, city: 'Anna' });
    napa.manager.pushChange('shippingAddress', { ...address, city: 'Napa' });
    anna.manager.pushChange(`lines.${line.id}.quantity`, 3);
    napa.manager.pushChange(`lines.${line.id}.quantity`, 4);
    time.advance(150);
    await drain();
    time.advance(150);
    await drain();
    const all = [...anna.manager.getSnapshot().notices, ...napa.manager.getSnapshot().notices];
    expect(all.filter((n) => n.kind === 'conflict')).toHaveLength(1);
    expect(all.filter((n) => n.kind === 'overwritten')).toHaveLength(1);
    expect(anna.manager.getSnapshot().doc).toEqual(napa.manager.getSnapshot().doc);
    const acquiring = anna.manager.acquireLock('status');
    await drain();
    expect((await acquiring).ok).toBe(true);
    expect(anna.manager.lockedByMe('status')).toBe(true);
    expect(napa.manager.isLocked('status')).toBe(true);
    expect(napa.manager.lock('status')?.userId).toBe(fixture.user('anna@siam.example').id);
    const releasing = anna.manager.releaseLock('status');
    await drain();
    await releasing;
    expect(napa.manager.isLocked('status')).toBe(false);
  });

  it('reopens the order when a pull cannot reach the server version (a write that left no history row)', async () => {
    const { time, join, drain, orderId } = setup(6);
    const anna = await join(fixture.user('anna@siam.example'), 'anna');
    const napa = await join(fixture.user('napa@siam.example'), 'napa');
    const start = anna.manager.getSnapshot().version;
    // A write outside the sync engine: the version moves and no history row says how.
    await database.db
      .update(orders)
      .set({ version: sql`${orders.version} + 1`, notes: 'written elsewhere' })
      .where(eq(orders.id, orderId));
    const line = napa.manager.getSnapshot().doc!.lines[0]!;
    napa.manager.pushChange(`lines.${line.id}.quantity`, line.quantity + 1);
    time.advance(150);
    await drain();
    for (const { manager } of [anna, napa]) {
      const snapshot = manager.getSnapshot();
      expect(snapshot.version).toBe(start + 2);
      expect(snapshot.doc!.notes).toBe('written elsewhere');
      expect(snapshot.doc!.lines[0]!.quantity).toBe(line.quantity + 1);
      expect(snapshot.syncState).toBe('synced');
    }
    expect(anna.manager.getSnapshot().notices).toContainEqual(
      expect.objectContaining({ kind: 'resynced', reason: 'missed-changes' }),
    );
  });
});
