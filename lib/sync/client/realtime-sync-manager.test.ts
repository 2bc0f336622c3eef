import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-db';
import { entityChanges, orders } from '../../db/schema';
import { defaultOrderPolicy, type OrderPolicy } from '../policy';
import type { SyncUser } from '../service/context';
import { createMemoryLockStore } from '../service/locks/memory-lock-store';
import { syncHandlers } from '../service/register';
import { createSyncService } from '../service/sync-service';
import { loadSyncFixture } from '../service/testing';
import { createFakeClock } from '../testing/fake-clock';
import { createFakeNetwork, settle } from '../testing/fake-network';
import type { OrderDoc } from '../types';
import { createRealtimeSyncManager } from './realtime-sync-manager';
import type { RpcReply } from './transport';

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
  const handlers = syncHandlers(
    createSyncService({
      database,
      locks: createMemoryLockStore(time.now),
      publish: (input) => network.publish(input),
      now: time.now,
    }),
  );
  const network = createFakeNetwork(handlers, () => (seq++ % 7) / 7);
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
  /** A manager whose first `sync.open` is left queued, for a test that picks the interleaving itself. */
  const create = (person: SyncUser, name: string) => {
    const transport = network.connect({ user: person }, name);
    const manager = createRealtimeSyncManager({
      transport,
      entityId: orderId,
      user: { id: person.id, name: person.name },
      clock: time.clock,
      newId: () => `${name}-${orderIndex}-${++ids}`,
    });
    return { manager, transport, started: manager.startSync() };
  };
  /** Runs queued deliveries of one connection's queue, oldest first, until it is empty. */
  const deliver = async (queue: { run: () => Promise<void> }[]) => {
    while (queue.length > 0) {
      await queue.shift()!.run();
      await settle();
    }
  };
  /** An admin's policy switch, answered, then the admin's own reopen of the order (so the switch is heard). */
  const switchPolicy = async (
    admin: { transport: ReturnType<typeof network.connect> },
    sections: OrderPolicy,
  ) => {
    const set = admin.transport.rpc('policy.set', { entityType: 'order', sections });
    await deliver(admin.transport.connection.outbound);
    await deliver(admin.transport.connection.responses);
    expect((await set).ok).toBe(true);
    const opened = admin.transport.rpc('sync.open', { entityType: 'order', entityId: orderId });
    await deliver(admin.transport.connection.outbound);
    await deliver(admin.transport.connection.responses);
    expect((await opened).ok).toBe(true);
  };
  return { time, network, handlers, join, create, drain, deliver, switchPolicy, pushes, orderId };
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

  // Fuzz ot seed 24: "{c1.5}" typed right before "{c2.3}" was diffed as "1.5}{c" after "{c" (they share "{c"), and
  // Napa's deletion of her marker meanwhile left "1.5}{c". The caret given with the value says where it was typed.
  it('diffs a whole notes value into the edit that ends at the caret', async () => {
    const { time, join, drain } = setup(0);
    const anna = await join(fixture.user('anna@siam.example'), 'anna');
    const napa = await join(fixture.user('napa@siam.example'), 'napa');
    const run = async () => {
      for (let i = 0; i < 5; i++) {
        time.advance(200);
        await drain();
      }
    };
    napa.manager.pushChange('notes', 'ok {c2.3}', { caret: 9 });
    await run();
    await anna.transport.disconnect();
    anna.manager.pushChange('notes', 'ok {c1.5}{c2.3}', { caret: 9 });
    expect(anna.manager.getSnapshot().localChanges.map((c) => c.op)).toEqual([
      { type: 'text', op: [3, '{c1.5}'] },
    ]);
    napa.manager.pushChange('notes', 'ok ', { caret: 3 });
    await run();
    anna.transport.reconnect();
    await run();
    expect(anna.manager.getSnapshot().doc!.notes).toBe('ok {c1.5}');
    expect(napa.manager.getSnapshot().doc!.notes).toBe('ok {c1.5}');
  });

  // The push's answer lists the pusher's own changes, applied (and taken off the queue) before the results are
  // read: the notice then found no queued change to name its section, and the editor showed nothing.
  it('names the section in a notice of someone else editing it at the same time', async () => {
    const { time, join, drain } = setup(1);
    const anna = await join(fixture.user('anna@siam.example'), 'anna');
    const napa = await join(fixture.user('napa@siam.example'), 'napa');
    napa.manager.pushChange('notes', `${napa.manager.getSnapshot().doc!.notes} napa`);
    time.advance(150);
    await drain();
    anna.manager.pushChange('notes', `anna ${anna.manager.getSnapshot().doc!.notes}`);
    time.advance(150);
    await drain();
    const concurrent = anna.manager.getSnapshot().notices.filter((n) => n.kind === 'concurrent');
    expect(concurrent).toEqual([
      expect.objectContaining({
        section: 'notes',
        users: [expect.objectContaining({ userId: fixture.user('napa@siam.example').id })],
      }),
    ]);
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

  it('waits for the Yjs change ahead instead of spinning when a later one of another section is due first', async () => {
    const { time, handlers, join, drain, pushes } = setup(5);
    const admin = fixture.ctx(fixture.user('admin@siam.example'));
    const crdt = { ...defaultOrderPolicy, notes: 'crdt', lines: 'crdt' } as const;
    await handlers['policy.set'](admin, { entityType: 'order', sections: crdt });
    try {
      const anna = await join(fixture.user('anna@siam.example'), 'anna');
      const napa = await join(fixture.user('napa@siam.example'), 'napa');
      const line = anna.manager.getSnapshot().doc!.lines[0]!;
      anna.manager.pushChange(`lines.${line.id}.quantity`, line.quantity + 1);
      time.advance(0); // the lines update goes out: the lines throttle window starts now
      time.advance(10);
      // While it is on its way: lines again (its window still runs), then the notes (never sent, so due at once).
      anna.manager.pushChange(`lines.${line.id}.quantity`, line.quantity + 2);
      anna.manager.pushChange('notes', `${anna.manager.getSnapshot().doc!.notes} ordered`);
      await drain(); // the answer arrives; the notes update must wait for the lines one made before it
      const sent = pushes.length;
      time.advance(80); // before: a timer set at once, finding nothing to send, setting itself again without end
      await drain();
      expect(pushes.length).toBe(sent);
      expect(anna.manager.getSnapshot().localChanges.map((c) => c.field)).toEqual(['lines', 'notes']);
      time.advance(10);
      await drain();
      expect(pushes.length).toBe(sent + 1);
      expect(anna.manager.isSettled()).toBe(true);
      expect(napa.manager.getSnapshot().doc).toEqual(anna.manager.getSnapshot().doc);
      expect(napa.manager.getSnapshot().doc!.lines[0]!.quantity).toBe(line.quantity + 2);
      expect(napa.manager.getSnapshot().doc!.notes.endsWith(' ordered')).toBe(true);
    } finally {
      await handlers['policy.set'](admin, { entityType: 'order', sections: defaultOrderPolicy });
    }
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

  it('applies a change whose event came while the order was opening, read before it (never "synced" behind)', async () => {
    const { time, network, join, create, drain } = setup(5);
    const napa = await join(fixture.user('napa@siam.example'), 'napa');
    const anna = create(fixture.user('anna@siam.example'), 'anna');
    // Anna's open is read at version v ...
    expect(await network.deliver('anna', 'outbound')).toBe(true);
    const v = napa.manager.getSnapshot().version;
    // ... then Napa's edit commits at v + 1, and its event reaches Anna before her open's answer does.
    napa.manager.pushChange('notes', `${napa.manager.getSnapshot().doc!.notes} after the read`);
    time.advance(150);
    expect(await network.deliver('napa', 'outbound')).toBe(true);
    expect(await network.deliver('anna', 'events')).toBe(true);
    expect(await network.deliver('anna', 'responses')).toBe(true);
    await anna.started;
    await drain();
    const server = napa.manager.getSnapshot();
    expect(server.version).toBe(v + 1);
    const seen = anna.manager.getSnapshot();
    expect({ version: seen.version, syncState: seen.syncState, doc: seen.doc }).toEqual({
      version: v + 1,
      syncState: 'synced',
      doc: server.doc,
    });
    expect(seen.divergences).toBe(0);
  });

  it.each([
    { taken: false, order: 4, lineId: '0c6f3d52-96a4-4d0e-9b8e-3f1f7a2b5c11' },
    { taken: true, order: 3, lineId: '0c6f3d52-96a4-4d0e-9b8e-3f1f7a2b5c12' },
  ])(
    'keeps the edits of a push that failed as a whole: none lost, none applied twice (taken: $taken)',
    async ({ taken, order, lineId }) => {
      const { time, join, drain, orderId } = setup(order);
      const anna = await join(fixture.user('anna@siam.example'), 'anna');
      const rpc = anna.transport.rpc.bind(anna.transport);
      let failures = 0;
      // The first push is answered with an internal error, after the server took it or without its taking any.
      anna.transport.rpc = async <T>(method: string, params: unknown): Promise<RpcReply<T>> => {
        if (method !== 'sync.push' || failures > 0) return rpc<T>(method, params);
        failures += 1;
        if (taken) await rpc<T>(method, params);
        return { ok: false, error: { code: 'INTERNAL', message: 'Internal error' } };
      };
      const start = anna.manager.getSnapshot().doc!;
      const line = { id: lineId, productId: start.lines[0]!.productId, quantity: 2 };
      anna.manager.pushChange('notes', `${start.notes} {kept}`);
      anna.manager.addLine(line);
      anna.manager.pushChange('shippingAddress', { ...start.shippingAddress, city: 'Chiang Mai' });
      for (let i = 0; i < 6; i++) {
        time.advance(200);
        await drain();
      }
      expect(failures).toBe(1);
      expect(anna.manager.isSettled()).toBe(true);
      const opened = rpc<{ doc: OrderDoc; version: number }>('sync.open', {
        entityType: 'order',
        entityId: orderId,
      });
      await drain();
      const reply = await opened;
      if (!reply.ok) throw new Error(reply.error.message);
      const saved = reply.result.doc;
      expect(saved.notes.split('{kept}')).toHaveLength(2);
      expect(saved.lines.filter((l) => l.id === line.id)).toHaveLength(1);
      expect(saved.shippingAddress.city).toBe('Chiang Mai');
      expect(anna.manager.getSnapshot().doc).toEqual(saved);
      expect(anna.manager.getSnapshot().version).toBe(reply.result.version);
      expect(
        anna.manager.getSnapshot().notices.filter((n) => n.kind === 'rejected' && n.field !== '*'),
      ).toEqual([]);
    },
  );

  it('passes over a whole value re-expressed after a switch that comes back applied (no id kept, no notice)', async () => {
    const { time, join, drain, deliver, orderId, switchPolicy } = setup(2);
    const admin = await join(fixture.user('admin@siam.example'), 'admin');
    const lww = { ...defaultOrderPolicy, notes: 'last-write-wins' as const };
    const switchTo = (sections: OrderPolicy) => switchPolicy(admin, sections);
    await switchTo(lww);
    await drain();
    const napa = await join(fixture.user('napa@siam.example'), 'napa');
    try {
      expect(napa.manager.getSnapshot().policy.notes).toBe('last-write-wins');
      const start = napa.manager.getSnapshot().doc!.notes;
      // Napa's whole value goes out and waits on the wire.
      napa.manager.pushChange('notes', `${start} {whole}`);
      time.advance(0);
      await settle();
      expect(napa.transport.connection.outbound).toHaveLength(1);
      const sentId = napa.manager.getSnapshot().localChanges[0]!.clientChangeId;
      // The notes go to OT and back to a whole value before it arrives: napa carries the edit over each time; the
      // original, a whole value of the right kind again, is then taken by the server too (it sets the same value).
      await switchTo(defaultOrderPolicy);
      await deliver(napa.transport.connection.events);
      await switchTo(lww);
      await deliver(napa.transport.connection.events);
      expect(napa.manager.getSnapshot().doc!.notes).toBe(`${start} {whole}`);
      for (let i = 0; i < 6; i++) {
        time.advance(200);
        await drain();
      }
      const opened = admin.transport.rpc<{ doc: OrderDoc; version: number }>('sync.open', {
        entityType: 'order',
        entityId: orderId,
      });
      await drain();
      const reply = await opened;
      if (!reply.ok) throw new Error(reply.error.message);
      expect(reply.result.doc.notes).toBe(`${start} {whole}`);
      // The original was taken (not refused): its answer came back applied and matched no pending change.
      const taken = await database.db
        .select({ id: entityChanges.clientChangeId })
        .from(entityChanges)
        .where(eq(entityChanges.entityId, orderId));
      expect(taken.map((row) => row.id)).toContain(sentId);
      const snapshot = napa.manager.getSnapshot();
      expect(snapshot.doc!.notes).toBe(`${start} {whole}`);
      expect(snapshot.version).toBe(reply.result.version);
      expect(snapshot.syncState).toBe('synced');
      expect(snapshot.notices.filter((n) => n.kind === 'rejected' || n.kind === 'discarded')).toEqual([]);
    } finally {
      await switchTo(defaultOrderPolicy);
    }
  });

  it('types each character once when the policy flips to crdt and back while a notes edit is on its way', async () => {
    const { time, join, drain, deliver, orderId, switchPolicy } = setup(5);
    const admin = await join(fixture.user('admin@siam.example'), 'admin');
    const napa = await join(fixture.user('napa@siam.example'), 'napa');
    const start = napa.manager.getSnapshot().doc!.notes;
    // The admin touches the order after each switch: it enters the history and is published to the room.
    const switchTo = (sections: OrderPolicy) => switchPolicy(admin, sections);
    try {
      // Napa's text edit goes out and waits on the wire.
      napa.manager.pushChange('notes', `${start} napa`);
      time.advance(0);
      await settle();
      expect(napa.transport.connection.outbound).toHaveLength(1);
      // The policy flips to crdt and back before the edit reaches the server; napa hears both switches first,
      // carries the edit over each time, and keeps typing.
      await switchTo({ ...defaultOrderPolicy, notes: 'crdt' });
      await deliver(napa.transport.connection.events);
      expect(napa.manager.getSnapshot().policy.notes).toBe('crdt');
      await switchTo(defaultOrderPolicy);
      await deliver(napa.transport.connection.events);
      expect(napa.manager.getSnapshot().policy.notes).toBe('operational-transform');
      napa.manager.pushChange('notes', `${napa.manager.getSnapshot().doc!.notes} types`);
      expect(napa.manager.getSnapshot().doc!.notes).toBe(`${start} napa types`);
      // Now the edit made before the switches arrives, then everything else.
      for (let i = 0; i < 6; i++) {
        time.advance(200);
        await drain();
      }
      const opened = admin.transport.rpc<{ doc: { notes: string } }>('sync.open', {
        entityType: 'order',
        entityId: orderId,
      });
      await drain();
      const reply = await opened;
      expect(reply.ok && reply.result.doc.notes).toBe(`${start} napa types`);
      expect(napa.manager.getSnapshot().doc!.notes).toBe(`${start} napa types`);
      expect(admin.manager.getSnapshot().doc!.notes).toBe(`${start} napa types`);
      expect(napa.manager.isSettled()).toBe(true);
    } finally {
      await switchTo(defaultOrderPolicy);
    }
  });
  // Fuzz switching seed 9 (one node) and the like: an edit typed right before a copy of its neighbour ("{c1.5}"
  // before "{c2.3}") while the admin switched the notes' form. Carried over as a whole value without the caret, it
  // went in as "1.5}{c" after "{c" (the equally small diff); a colleague's undo of her marker meanwhile then left
  // "1.5}{c". The person's pending edits are re-expressed as exactly what they did, not diffed again.
  it.each([
    { from: 'operational-transform' as const, to: 'crdt' as const, order: 3 },
    { from: 'crdt' as const, to: 'operational-transform' as const, order: 4 },
  ])(
    'keeps an edit typed beside a copy of its neighbour whole across a switch from $from to $to',
    async ({ from, to, order }) => {
      const { time, join, drain, switchPolicy } = setup(order);
      // Names of their own: client change ids (name-order-n) are deduplicated per person and order.
      const admin = await join(fixture.user('admin@siam.example'), 'switching-admin');
      const switchTo = (sections: OrderPolicy) => switchPolicy(admin, sections);
      const run = async () => {
        for (let i = 0; i < 6; i++) {
          time.advance(200);
          await drain();
        }
      };
      try {
        await switchTo({ ...defaultOrderPolicy, notes: from });
        await run();
        const anna = await join(fixture.user('anna@siam.example'), 'switching-anna');
        const napa = await join(fixture.user('napa@siam.example'), 'switching-napa');
        anna.manager.pushChange('notes', 'ok ', { caret: 3 });
        await run();
        napa.manager.pushChange('notes', 'ok {c2.3}', { caret: 9 });
        await run();
        await anna.transport.disconnect();
        anna.manager.pushChange('notes', 'ok {c1.5}{c2.3}', { caret: 9 });
        await switchTo({ ...defaultOrderPolicy, notes: to });
        await run();
        expect(napa.manager.getSnapshot().policy.notes).toBe(to);
        const undo = napa.manager.undoChange();
        await run();
        expect((await undo).ok).toBe(true);
        expect(napa.manager.getSnapshot().doc!.notes).toBe('ok ');
        anna.transport.reconnect();
        await run();
        expect(anna.manager.getSnapshot().doc!.notes).toBe('ok {c1.5}');
        expect(napa.manager.getSnapshot().doc!.notes).toBe('ok {c1.5}');
      } finally {
        await switchTo(defaultOrderPolicy);
      }
    },
  );
});
