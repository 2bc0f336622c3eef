import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { entityChanges, syncConflicts } from '../../lib/db/schema';
import { defaultOrderPolicy, type OrderPolicy } from '../../lib/sync/policy';
import { insertOrder } from '../support/catalog-fixtures';
import { type FuzzCluster, plainManager, startFuzzCluster } from '../support/sync-fuzz';
import { FuzzClient } from '../support/sync-fuzz/client';

/**
 * Failures the sync fuzz (sync-fuzz.test.ts) found, each reduced to the few steps that show it, over the real
 * server and client.
 */
const wait = { timeout: 30_000, interval: 50 };

describe('sync fuzz regressions', () => {
  let cluster: FuzzCluster;
  beforeAll(async () => {
    cluster = await startFuzzCluster(1);
  });
  afterAll(() => cluster?.close());

  async function openOrder(policy: OrderPolicy) {
    const order = await insertOrder(
      cluster.database.db,
      cluster.tenantId,
      [{ productId: cluster.productIds[0]!, quantity: 1 }],
      'draft',
    );
    let n = 0;
    const client = (index: number, person: FuzzCluster['admin']) =>
      new FuzzClient(index, person, {
        cluster,
        entityId: order.id,
        random: () => 0,
        newId: () => `regression-${index}-${++n}`,
        createManager: plainManager,
        observe: () => {},
      });
    const admin = client(9, cluster.admin);
    await admin.open();
    await expect.poll(() => admin.connected, wait).toBe(true);
    expect((await admin.rpc('policy.set', { entityType: 'order', sections: policy })).ok).toBe(true);
    const anna = client(0, cluster.editors[0]!);
    const napa = client(1, cluster.editors[1]!);
    for (const c of [anna, napa]) await c.open();
    await expect
      .poll(() => [admin, anna, napa].every((c) => c.manager.getSnapshot().syncState === 'synced'), wait)
      .toBe(true);
    return { orderId: order.id, admin, anna, napa, all: [admin, anna, napa] };
  }

  // Seeds 1 and 5 of `manual` (and any whole-value field edited offline): a set made on an old view was sent
  // with the version the client had when it was *sent*, so the server took it as made after the other
  // person's change: no conflict under manual, no overwrite record under last-write-wins, and the other value
  // vanished silently.
  it.each([
    { strategy: 'manual' as const, policy: defaultOrderPolicy },
    {
      strategy: 'last-write-wins' as const,
      policy: { ...defaultOrderPolicy, shipping: 'last-write-wins' as const },
    },
  ])('an address edited offline does not silently replace a newer one ($strategy)', async ({ policy }) => {
    const { orderId, anna, napa, all } = await openOrder(policy);
    const address = anna.manager.getSnapshot().doc!.shippingAddress;
    anna.goOffline();
    await expect.poll(() => anna.manager.getSnapshot().syncState, wait).toBe('offline');
    anna.manager.pushChange('shippingAddress', { ...address, city: 'Anna offline' });
    napa.manager.pushChange('shippingAddress', { ...address, city: 'Napa online' });
    await expect
      .poll(() => napa.manager.isSettled() && napa.manager.getSnapshot().doc?.shippingAddress.city, wait)
      .toBe('Napa online');
    anna.goOnline();
    await expect
      .poll(
        () =>
          all.every((c) => c.manager.isSettled() && c.manager.getSnapshot().syncState === 'synced') &&
          new Set(all.map((c) => c.manager.getSnapshot().version)).size === 1,
        wait,
      )
      .toBe(true);
    const db = cluster.database.db;
    const rows = await db.select().from(entityChanges).where(eq(entityChanges.entityId, orderId));
    const conflicts = await db.select().from(syncConflicts).where(eq(syncConflicts.entityId, orderId));
    const annas = rows.find((r) => r.field === 'shippingAddress' && r.userId === anna.person.id);
    const kept = napa.manager.getSnapshot().doc!.shippingAddress.city === 'Napa online';
    const conflicted = conflicts.some((c) => c.mineUserId === anna.person.id);
    const overwrote = z.object({ userId: z.string() }).safeParse(annas?.overwrote);
    const recorded = overwrote.success && overwrote.data.userId === napa.person.id;
    expect(
      kept || conflicted || recorded,
      "Napa's newer address is gone with no conflict for Anna's offline edit and no overwrite record",
    ).toBe(true);
    for (const c of all) await c.close();
  });

  // The path of seeds 20 and 21 of `switching` on two nodes: a person offline with typed notes while the admin
  // switches the notes from OT to crdt. There the carried-over edit went in as a Yjs update that repeated the
  // notes (markers two and three times) and cut other people's text. This simple form passes; the fuzz failure
  // needs more (several switches, a reload, deletions on both sides) and is not reduced yet.
  it('notes typed offline across a switch from OT to crdt arrive once', async () => {
    const { anna, napa, admin, all } = await openOrder(defaultOrderPolicy);
    const settled = () =>
      all.every((c) => c.manager.isSettled() && c.manager.getSnapshot().syncState === 'synced') &&
      new Set(all.map((c) => c.manager.getSnapshot().version)).size === 1;
    anna.manager.pushChange('notes', 'base {c0.1} 👍🏽 ');
    await expect.poll(settled, wait).toBe(true);
    napa.goOffline();
    await expect.poll(() => napa.manager.getSnapshot().syncState, wait).toBe('offline');
    napa.manager.pushChange('notes', `${napa.manager.getSnapshot().doc!.notes}{c1.2} น้ำ`);
    const sections = { ...defaultOrderPolicy, notes: 'crdt' as const };
    expect((await admin.rpc('policy.set', { entityType: 'order', sections })).ok).toBe(true);
    await expect.poll(() => anna.manager.getSnapshot().policy.notes, wait).toBe('crdt');
    anna.manager.pushChange('notes', `{c0.3} ${anna.manager.getSnapshot().doc!.notes}`);
    await expect.poll(() => anna.manager.isSettled(), wait).toBe(true);
    napa.goOnline();
    await expect.poll(settled, wait).toBe(true);
    const notes = anna.manager.getSnapshot().doc!.notes;
    for (const marker of ['{c0.1}', '{c1.2}', '{c0.3}'])
      expect(notes.split(marker).length - 1, `${marker} once in ${JSON.stringify(notes)}`).toBe(1);
    expect(napa.manager.getSnapshot().doc!.notes).toBe(notes);
    for (const c of all) await c.close();
  });
});
