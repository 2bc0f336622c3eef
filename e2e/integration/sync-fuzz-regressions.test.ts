import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadSyncedOrder } from '../../lib/db/queries/order-writes';
import { entityChanges, syncConflicts } from '../../lib/db/schema';
import { createRealtimeSyncManager } from '../../lib/sync/client/realtime-sync-manager';
import { defaultOrderPolicy, type OrderPolicy } from '../../lib/sync/policy';
import { insertOrder } from '../support/catalog-fixtures';
import { type FuzzCluster, plainManager, startFuzzCluster } from '../support/sync-fuzz';
import { FuzzClient, type ManagerFactory } from '../support/sync-fuzz/client';

/**
 * Failures the sync fuzz (sync-fuzz.test.ts) found, each reduced to the few steps that show it, over the real
 * server and client.
 */
const wait = { timeout: 30_000, interval: 50 };

/** Every client has nothing pending, says "synced", and all are at one version. */
function allSettled(all: readonly FuzzClient[]): boolean {
  return (
    all.every((c) => c.manager.isSettled() && c.manager.getSnapshot().syncState === 'synced') &&
    new Set(all.map((c) => c.manager.getSnapshot().version)).size === 1
  );
}

/** Each marker is in the notes exactly once (not lost, not doubled, not split). */
function expectEachOnce(notes: string, markers: readonly string[]): void {
  for (const marker of markers)
    expect(notes.split(marker).length - 1, `${marker} once in ${JSON.stringify(notes)}`).toBe(1);
}

describe('sync fuzz regressions', () => {
  let cluster: FuzzCluster;
  beforeAll(async () => {
    cluster = await startFuzzCluster(1);
  });
  afterAll(() => cluster?.close());

  /** The notes as stored; every client shows them. Closes the clients. */
  async function savedNotesEverywhere(
    orderId: string,
    all: readonly FuzzClient[],
  ): Promise<string | undefined> {
    const saved = await loadSyncedOrder(cluster.database.db, cluster.tenantId, orderId);
    for (const c of all) expect(c.manager.getSnapshot().doc!.notes).toBe(saved?.notes);
    for (const c of all) await c.close();
    return saved?.notes;
  }

  /**
   * A manager whose transport can hold a request before it goes out (`before`) or its answer after the server
   * gave it (`after`), per RPC method, until released: the real server still does the work.
   */
  function gatedManager() {
    const gates = { before: new Map<string, Promise<void>>(), after: new Map<string, Promise<void>>() };
    const answered = new Set<string>();
    const hold = (when: 'before' | 'after', method: string) => {
      let release = () => {};
      gates[when].set(method, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        gates[when].delete(method);
        release();
      };
    };
    const factory: ManagerFactory = (options) =>
      createRealtimeSyncManager({
        ...options,
        transport: {
          async rpc<T>(method: string, params: unknown) {
            await gates.before.get(method);
            const reply = await options.transport.rpc<T>(method, params);
            answered.add(method);
            await gates.after.get(method);
            return reply;
          },
          subscribe: (channel, listener, onReset) => options.transport.subscribe(channel, listener, onReset),
          onConnectionChange: (listener) => options.transport.onConnectionChange(listener),
          isConnected: () => options.transport.isConnected(),
        },
      });
    return { factory, hold, answered };
  }

  async function openOrder(policy: OrderPolicy, annaManager: ManagerFactory = plainManager) {
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
        createManager: index === 0 ? annaManager : plainManager,
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
    await expect.poll(() => allSettled(all), wait).toBe(true);
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
    const settled = () => allSettled(all);
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
    expectEachOnce(notes, ['{c0.1}', '{c1.2}', '{c0.3}']);
    expect(napa.manager.getSnapshot().doc!.notes).toBe(notes);
    for (const c of all) await c.close();
  });

  // Seed 5 of `switching` (two nodes, 2 runs in 3): a person offline with crdt notes typed while the admin
  // switched the notes to OT and back, the lines staying crdt throughout. The first switch carried the typing
  // over as a text op, but the Yjs document (kept for the lines) still held it as unsent items; the switch back
  // merged the server's notes into that document, so the typing showed twice, and the carried edit, built on
  // items the server never had, was refused and carried by intent as it showed ("{c3.3}" twice). The same for
  // a line added under crdt across a switch of the lines (it showed, so it was never carried, and was lost).
  it.each([
    { away: 'notes' as const, typed: ['notes'] },
    { away: 'lines' as const, typed: ['line'] },
    // The line's Yjs update builds on the notes' one (one clock per client): it goes over by intent too.
    { away: 'notes' as const, typed: ['notes', 'line'] },
  ])(
    'crdt edits of $typed made offline across a switch of the $away out of crdt and back arrive once',
    async ({ away, typed }) => {
      const policy = { ...defaultOrderPolicy, notes: 'crdt' as const, lines: 'crdt' as const };
      const { orderId, anna, napa, admin, all } = await openOrder(policy);
      const settled = () => allSettled(all);
      anna.manager.pushChange('notes', 'base {a.1} 👍🏽 ');
      await expect.poll(settled, wait).toBe(true);
      napa.goOffline();
      await expect.poll(() => napa.manager.getSnapshot().syncState, wait).toBe('offline');
      const line = { id: crypto.randomUUID(), productId: cluster.productIds[1]!, quantity: 3 };
      for (const edit of typed) {
        if (edit === 'notes')
          napa.manager.pushChange('notes', `${napa.manager.getSnapshot().doc!.notes}{n.1} น้ำ`);
        else napa.manager.addLine(line);
      }
      const sectionsAway = {
        ...policy,
        [away]: away === 'notes' ? 'operational-transform' : 'last-write-wins',
      };
      for (const sections of [sectionsAway, policy]) {
        expect((await admin.rpc('policy.set', { entityType: 'order', sections })).ok).toBe(true);
        await expect.poll(() => anna.manager.getSnapshot().policy[away], wait).toBe(sections[away]);
        await expect.poll(() => anna.manager.isSettled(), wait).toBe(true);
      }
      anna.manager.pushChange('notes', `{a.2} ${anna.manager.getSnapshot().doc!.notes}`);
      await expect.poll(() => anna.manager.isSettled(), wait).toBe(true);
      napa.goOnline();
      await expect.poll(settled, wait).toBe(true);
      const doc = anna.manager.getSnapshot().doc!;
      expectEachOnce(doc.notes, typed.includes('notes') ? ['{a.1}', '{a.2}', '{n.1}'] : ['{a.1}', '{a.2}']);
      expect(doc.lines.filter((l) => l.id === line.id)).toHaveLength(typed.includes('line') ? 1 : 0);
      expect(doc.lines).toHaveLength(typed.includes('line') ? 2 : 1);
      expect(napa.manager.getSnapshot().doc).toEqual(doc);
      const stored = await loadSyncedOrder(cluster.database.db, cluster.tenantId, orderId);
      expect(stored?.notes).toBe(doc.notes);
      for (const c of all) await c.close();
    },
  );

  // Seed 13 of `crdt` (two nodes, also seed 5 there, 1 run in 3): Anna's one crdt change typed near the start
  // and deleted at the end (typing folded into one Yjs update, here while offline); colleagues typed between;
  // her undo, a diff of the change's before and after as one replaced region, put the region back as it was and
  // doubled every colleague's marker in it. The undo now diffs in hunks.
  it('undoing a crdt change of two far-apart places keeps what others typed between once', async () => {
    const { orderId, anna, napa, all } = await openOrder({ ...defaultOrderPolicy, notes: 'crdt' });
    const settled = () => allSettled(all);
    // Napa writes the notes first (another person's change: Anna's is then a typing run of its own to undo).
    napa.manager.pushChange('notes', '{c2.0}{c2.1} 👍🏽🇹🇭 ที่ {c1.2} {c1.5} 👍🏽🇹');
    await expect.poll(settled, wait).toBe(true);
    anna.goOffline();
    await expect.poll(() => anna.manager.getSnapshot().syncState, wait).toBe('offline');
    anna.manager.pushChange('notes', '{c2.0}{c0.9}{c2.1} 👍🏽🇹🇭 ที่ {c1.2} {c1.5} 👍🏽🇹');
    anna.manager.pushChange('notes', '{c2.0}{c0.9}{c2.1} 👍🏽🇹🇭 ที่ {c1.2} {c1.5} ');
    anna.goOnline();
    await expect.poll(settled, wait).toBe(true);
    const typed = anna.manager.getSnapshot().doc!.notes;
    napa.manager.pushChange('notes', typed.replace(' ที่ ', ' ที่ {c0.7} ').replace('{c1.5}', '{c2.6}{c1.5}'));
    await expect.poll(settled, wait).toBe(true);
    expect((await anna.manager.undoChange()).ok).toBe(true);
    await expect.poll(settled, wait).toBe(true);
    expect(await savedNotesEverywhere(orderId, all)).toBe(
      '{c2.0}{c2.1} 👍🏽🇹🇭 ที่ {c0.7} {c1.2} {c2.6}{c1.5} 👍🏽🇹',
    );
  });

  // Seed 24 of `ot` (one and two nodes; ot seed 28 and switching seed 16 on two nodes the same way): a whole notes
  // value became an op through a prefix/suffix diff, so "{c1.5}" typed right before "{c2.3}" went in as "1.5}{c"
  // after "{c" (the two markers share "{c"). Napa's undo of her marker, made meanwhile, removed "{c" and "2.3}"
  // and left "1.5}{c": Anna's marker broken by a change that never touched it. The editor gives its caret with the
  // value, and the diff ends the edit there.
  it.each([{ notes: 'operational-transform' as const }, { notes: 'crdt' as const }])(
    'a marker typed right before another is kept whole when that one is undone ($notes)',
    async ({ notes }) => {
      const { orderId, anna, napa, all } = await openOrder({ ...defaultOrderPolicy, notes });
      const settled = () => allSettled(all);
      anna.manager.pushChange('notes', 'ok ');
      await expect.poll(settled, wait).toBe(true);
      napa.manager.pushChange('notes', 'ok {c2.3}', { caret: 9 });
      await expect.poll(settled, wait).toBe(true);
      anna.goOffline();
      await expect.poll(() => anna.manager.getSnapshot().syncState, wait).toBe('offline');
      // The editor's caret after typing "{c1.5}" at 3: right after it (code points).
      anna.manager.pushChange('notes', 'ok {c1.5}{c2.3}', { caret: 9 });
      expect((await napa.manager.undoChange()).ok).toBe(true);
      await expect
        .poll(() => napa.manager.isSettled() && napa.manager.getSnapshot().doc?.notes, wait)
        .toBe('ok ');
      anna.goOnline();
      await expect.poll(settled, wait).toBe(true);
      expect(await savedNotesEverywhere(orderId, all)).toBe('ok {c1.5}');
    },
  );

  // Seed 5 of `crdt` (one node, 2 runs in 20 under load): the server undid a Yjs change to the notes by a diff
  // of the values, which read "{c3.7}" typed right before "{c3.1}" as "7}{c3." inserted after "{c3."; taken back
  // over a colleague's later marker between the two, it left "{c3.{n.0}1}". A Yjs change now keeps its exact
  // inverse (read from where Yjs put its items) and the undo goes into the Yjs document at its positions.
  it('undoing a crdt marker typed right before one like it keeps a later marker between whole', async () => {
    const { orderId, anna, napa, all } = await openOrder({ ...defaultOrderPolicy, notes: 'crdt' });
    const settled = () => allSettled(all);
    napa.manager.pushChange('notes', 'ok {c3.1}', { caret: 9 });
    await expect.poll(settled, wait).toBe(true);
    anna.manager.pushChange('notes', 'ok {c3.7}{c3.1}', { caret: 9 });
    await expect.poll(settled, wait).toBe(true);
    napa.manager.pushChange('notes', 'ok {c3.7}{n.0}{c3.1}', { caret: 14 });
    await expect.poll(settled, wait).toBe(true);
    expect((await anna.manager.undoChange()).ok).toBe(true);
    await expect.poll(settled, wait).toBe(true);
    expect(await savedNotesEverywhere(orderId, all)).toBe('ok {n.0}{c3.1}');
  });

  // Seed 28 of `switching` (two nodes, 1 run in 3): offline typing of OT notes, carried over when the switch to
  // crdt was heard, went in as a diff of the whole notes, which put "{c1.10}" typed after "{c2.0}" in as
  // "0}{c1.1" after "{c2."; a colleague's carry-over diffed the same way went to the same place, and the two
  // interleaved into "{c2.0}{c1.113}{c2.1}…" (markers doubled and cut). Here a colleague deletes the neighbour
  // the diff cut into, which leaves "ok 1.5}{c" whichever client id sorts first. Pending text ops and Yjs updates
  // are now carried over as the edits they are, at their own positions.
  it.each([
    { from: 'operational-transform' as const, to: 'crdt' as const },
    { from: 'crdt' as const, to: 'operational-transform' as const },
  ])(
    'notes typed offline before a switch from $from to $to go in where they were typed',
    async ({ from, to }) => {
      const policy = { ...defaultOrderPolicy, notes: from };
      const { orderId, anna, napa, admin, all } = await openOrder(policy);
      const settled = () => allSettled(all);
      napa.manager.pushChange('notes', 'ok {c2.3}', { caret: 9 });
      await expect.poll(settled, wait).toBe(true);
      anna.goOffline();
      await expect.poll(() => anna.manager.getSnapshot().syncState, wait).toBe('offline');
      anna.manager.pushChange('notes', 'ok {c1.5}{c2.3}', { caret: 9 });
      const sections = { ...policy, notes: to };
      expect((await admin.rpc('policy.set', { entityType: 'order', sections })).ok).toBe(true);
      await expect.poll(() => napa.manager.getSnapshot().policy.notes, wait).toBe(to);
      napa.manager.pushChange('notes', 'ok ', { caret: 3 });
      await expect
        .poll(() => napa.manager.isSettled() && napa.manager.getSnapshot().doc?.notes, wait)
        .toBe('ok ');
      anna.goOnline();
      await expect.poll(settled, wait).toBe(true);
      expect(await savedNotesEverywhere(orderId, all)).toBe('ok {c1.5}');
    },
  );

  // Seed 21 of `switching` (two nodes, 1 run in 3 or 4): whole notes values unsent when the notes switched from
  // last-write-wins to typing together were carried over by intent, in hunks, and then sent as a text op of the
  // whole carried value: one replaced region from the first place the person edited to the last. Two people
  // carrying at the same switch both deleted and re-inserted the text between their edits, which then stood
  // there twice ("{c3.4}{c4.2}{c1.0}" repeated). The carried edit now goes as the hunks it is.
  it('whole notes values carried across a switch from last-write-wins to OT keep the text between once', async () => {
    const policy = { ...defaultOrderPolicy, notes: 'last-write-wins' as const };
    const { orderId, anna, napa, admin, all } = await openOrder(policy);
    const settled = () => allSettled(all);
    admin.manager.pushChange('notes', 'Call {m.1} before 🚚 {m.2} ที่ end');
    await expect.poll(settled, wait).toBe(true);
    for (const c of [anna, napa]) c.goOffline();
    await expect
      .poll(() => [anna, napa].map((c) => c.manager.getSnapshot().syncState), wait)
      .toEqual(['offline', 'offline']);
    anna.manager.pushChange('notes', 'Call {a.1} {m.1} before 🚚 {m.2} ที่ end {a.2}');
    napa.manager.pushChange('notes', 'Call {m.1} {n.1} before 🚚 {m.2} ที่ {n.2} end');
    const sections = { ...policy, notes: 'operational-transform' as const };
    expect((await admin.rpc('policy.set', { entityType: 'order', sections })).ok).toBe(true);
    await expect.poll(() => admin.manager.getSnapshot().policy.notes, wait).toBe('operational-transform');
    for (const c of [anna, napa]) c.goOnline();
    await expect.poll(settled, wait).toBe(true);
    const saved = await loadSyncedOrder(cluster.database.db, cluster.tenantId, orderId);
    expectEachOnce(saved!.notes, ['{m.1}', '{m.2}', 'before 🚚', 'ที่', '{a.1}', '{a.2}', '{n.1}', '{n.2}']);
    for (const c of all) expect(c.manager.getSnapshot().doc!.notes).toBe(saved?.notes);
    for (const c of all) await c.close();
  });

  // Seed 7 of `switching` (one node and two, every run once the seed fixed the script): a whole notes value typed
  // offline, carried by intent after a colleague set the notes and the notes switched to typing together, was a
  // diff of the whole value from what the person edited on. Among equally small diffs it put "{c1.13}" typed
  // before "{c4.0}" in as "1.13}{c" after "{c", and the colleague's diff (deleting "2}{c4." rather than
  // "{c4.2}") moved it inside "{c4.0}": "{c4.1.13}{c0}". A whole value now keeps the edit as typed, at the caret,
  // and the colleague's deletions are taken where they cut through none of it.
  it.each([
    { napa: '{n.0}', to: 'crdt' as const },
    { napa: '', to: 'operational-transform' as const },
  ])(
    'a whole notes value typed offline before a marker goes in whole after the notes were set to $napa and switched to $to',
    async ({ napa: napasValue, to }) => {
      const policy = { ...defaultOrderPolicy, notes: 'last-write-wins' as const };
      const { orderId, anna, napa, admin, all } = await openOrder(policy);
      const settled = () => allSettled(all);
      napa.manager.pushChange('notes', '{n.2}{n.0}', { caret: 10 });
      await expect.poll(settled, wait).toBe(true);
      anna.goOffline();
      await expect.poll(() => anna.manager.getSnapshot().syncState, wait).toBe('offline');
      anna.manager.pushChange('notes', '{n.2}{a.1}{n.0}', { caret: 10 });
      napa.manager.pushChange('notes', napasValue, { caret: 0 });
      await expect
        .poll(() => napa.manager.isSettled() && napa.manager.getSnapshot().doc?.notes, wait)
        .toBe(napasValue);
      const sections = { ...policy, notes: to };
      expect((await admin.rpc('policy.set', { entityType: 'order', sections })).ok).toBe(true);
      await expect.poll(() => napa.manager.getSnapshot().policy.notes, wait).toBe(to);
      anna.goOnline();
      await expect.poll(settled, wait).toBe(true);
      expect(await savedNotesEverywhere(orderId, all)).toBe(`{a.1}${napasValue}`);
    },
  );

  // Seeds 3 and 5 of `crdt` (two nodes) and 102 and 104 (one node): edits made while the client's reopen was
  // waiting for its answer were dropped when the answer came (the edits were read before the request went
  // out, and everything pending was cleared after), so a marker typed then never reached the server.
  it('notes typed while a reopen waits for its answer are kept', async () => {
    const gated = gatedManager();
    const { anna, napa, all } = await openOrder(defaultOrderPolicy, gated.factory);
    const settled = () => allSettled(all);
    // Notes longer than the server takes are refused as a whole, and her manager reopens the order.
    const releaseOpen = gated.hold('after', 'sync.open');
    gated.answered.delete('sync.open');
    anna.manager.pushChange('notes', 'x'.repeat(20_001));
    await expect.poll(() => gated.answered.has('sync.open'), wait).toBe(true);
    expect(anna.manager.getSnapshot().syncState).toBe('opening');
    // She keeps typing while the answer is on its way.
    const address = anna.manager.getSnapshot().doc!.shippingAddress;
    anna.manager.pushChange('notes', `${anna.manager.getSnapshot().doc!.notes}{a.2} 👩‍💻`);
    anna.manager.pushChange('shippingAddress', { ...address, city: 'Typed while opening' });
    releaseOpen();
    await expect.poll(settled, wait).toBe(true);
    const notes = napa.manager.getSnapshot().doc!.notes;
    expect(notes.split('{a.2}').length - 1, `{a.2} once in ${JSON.stringify(notes)}`).toBe(1);
    expect(napa.manager.getSnapshot().doc!.shippingAddress.city).toBe('Typed while opening');
    expect(anna.manager.getSnapshot().doc!.notes).toBe(notes);
    for (const c of all) await c.close();
  });

  // D8 (lock-based notes): her edit queued while her push was held; the lock went to Napa, who wrote, and came
  // back to her; the old edit then replaced Napa's text with no record of it.
  it('a one-editor-at-a-time edit made before a colleague held the lock does not replace their text', async () => {
    const gated = gatedManager();
    const policy = { ...defaultOrderPolicy, notes: 'lock-based' as const };
    const { anna, napa, all } = await openOrder(policy, gated.factory);
    const settled = () => allSettled(all);
    expect((await anna.manager.acquireLock('notes')).ok).toBe(true);
    anna.manager.pushChange('notes', 'Anna: call before delivery');
    await expect.poll(settled, wait).toBe(true);
    const releasePush = gated.hold('before', 'sync.push');
    anna.manager.pushChange('notes', 'Anna: call before delivery {a.1}');
    await anna.manager.releaseLock('notes');
    await expect.poll(() => napa.manager.isLocked('notes'), wait).toBe(false);
    expect((await napa.manager.acquireLock('notes')).ok).toBe(true);
    napa.manager.pushChange('notes', 'Napa: gate code 4411 {n.1}\nAnna: call before delivery');
    await expect.poll(() => napa.manager.isSettled(), wait).toBe(true);
    await napa.manager.releaseLock('notes');
    await expect.poll(() => anna.manager.isLocked('notes'), wait).toBe(false);
    expect((await anna.manager.acquireLock('notes')).ok).toBe(true);
    releasePush();
    await expect.poll(settled, wait).toBe(true);
    const notes = napa.manager.getSnapshot().doc!.notes;
    expectEachOnce(notes, ['{a.1}', '{n.1}', 'gate code 4411']);
    expect(anna.manager.getSnapshot().doc!.notes).toBe(notes);
    for (const c of all) await c.close();
  });

  // Seed 2 of `manual` (and 22 and 102): a value typed on top of her own unconfirmed value went out on the
  // version she had received meanwhile, though the field still showed her older value over Napa's change; the
  // server saw no change after its base and the new value replaced Napa's marker with no conflict.
  it('a value typed on top of an unconfirmed one is judged against the change hidden under it', async () => {
    const gated = gatedManager();
    const policy = { ...defaultOrderPolicy, notes: 'manual' as const };
    const { orderId, anna, napa, all } = await openOrder(policy, gated.factory);
    const settled = () => allSettled(all);
    const releasePush = gated.hold('before', 'sync.push');
    anna.manager.pushChange('notes', 'Anna {a.1}');
    napa.manager.pushChange('notes', 'Napa {n.1}');
    await expect.poll(() => napa.manager.isSettled(), wait).toBe(true);
    const napaVersion = napa.manager.getSnapshot().version;
    await expect.poll(() => anna.manager.getSnapshot().version, wait).toBe(napaVersion);
    expect(anna.manager.getSnapshot().doc!.notes).toBe('Anna {a.1}');
    anna.manager.pushChange('notes', 'Anna {a.1} {a.2}');
    releasePush();
    await expect.poll(settled, wait).toBe(true);
    const notes = napa.manager.getSnapshot().doc!.notes;
    const conflicts = await cluster.database.db
      .select()
      .from(syncConflicts)
      .where(eq(syncConflicts.entityId, orderId));
    const annasClash = conflicts.some(
      (c) => c.mineUserId === anna.person.id && JSON.stringify(c.mine).includes('{a.2}'),
    );
    expect(notes.includes('{n.1}') || !notes.includes('{a.2}'), `Napa's marker silently gone: ${notes}`).toBe(
      true,
    );
    expect(notes.includes('{a.2}') || annasClash, `Anna's {a.2} neither kept nor a conflict: ${notes}`).toBe(
      true,
    );
    for (const c of all) await c.close();
  });

  // The path of seed 3 of `crdt` (which sync-fuzz.test.ts replays): offline, she typed notes, added lines and
  // typed more notes. Notes and lines share one Yjs clock, but her notes edits went out as one update with the
  // lines' parts missing in between; the server's Yjs held the later notes back unseen and her markers never
  // appeared for anyone. This reduced form passes also without the fix (the lines update in the same batch
  // releases what was held); the seed needs its interleaving of resends and refusals, and the unit test in
  // strategies.test.ts shows the server refusing an update with a gap.
  it('crdt notes typed after a line was added offline reach everyone', async () => {
    const policy = { ...defaultOrderPolicy, notes: 'crdt' as const, lines: 'crdt' as const };
    const { orderId, anna, napa, all } = await openOrder(policy);
    const settled = () => allSettled(all);
    anna.goOffline();
    await expect.poll(() => anna.manager.getSnapshot().syncState, wait).toBe('offline');
    const markers: string[] = [];
    for (let i = 1; i <= 3; i++) {
      markers.push(`{a.${i}}`);
      anna.manager.pushChange('notes', `${anna.manager.getSnapshot().doc!.notes} deliver {a.${i}} 🚚`);
      const line = { id: crypto.randomUUID(), productId: cluster.productIds[i]!, quantity: i };
      anna.manager.addLine(line);
      anna.manager.pushChange(`lines.${line.id}.quantity`, i + 10);
    }
    anna.goOnline();
    await expect.poll(settled, wait).toBe(true);
    const notes = napa.manager.getSnapshot().doc!.notes;
    expectEachOnce(notes, markers);
    expect(napa.manager.getSnapshot().doc!.lines.map((l) => l.quantity)).toEqual([1, 11, 12, 13]);
    const stored = await loadSyncedOrder(cluster.database.db, cluster.tenantId, orderId);
    expect(stored?.notes).toBe(notes);
    for (const c of all) await c.close();
  });

  // The path of seed 12 of `switching` (two nodes): crdt edits on their way while the admin switched the notes to
  // typing together, where a carried-over edit went in as a copy of the whole notes. This reduced form passes in
  // both orders of answer and switch. The seed itself was never reduced; it has not failed since the carry-over
  // fixes of issue 11 (switching seeds 1-40 on two nodes in later sweeps, and 3 runs of 3 at e707025).
  it.each(['answer after the switch', 'answer before the switch'] as const)(
    'crdt edits in flight across a switch to typing together arrive once (%s)',
    async (order) => {
      const gated = gatedManager();
      const policy = { ...defaultOrderPolicy, notes: 'crdt' as const };
      const { anna, napa, admin, all } = await openOrder(policy, gated.factory);
      const settled = () => allSettled(all);
      napa.manager.pushChange('notes', 'Napa {n.1} 🇹🇭 ');
      await expect.poll(settled, wait).toBe(true);
      const releaseAnswer = gated.hold('after', 'sync.push');
      gated.answered.delete('sync.push');
      anna.manager.pushChange('notes', `${anna.manager.getSnapshot().doc!.notes}Anna {a.1} 👩‍💻`);
      await expect.poll(() => gated.answered.has('sync.push'), wait).toBe(true);
      anna.manager.pushChange('notes', `${anna.manager.getSnapshot().doc!.notes} {a.2}`);
      if (order === 'answer before the switch') releaseAnswer();
      const sections = { ...policy, notes: 'operational-transform' as const };
      expect((await admin.rpc('policy.set', { entityType: 'order', sections })).ok).toBe(true);
      await expect.poll(() => napa.manager.getSnapshot().policy.notes, wait).toBe('operational-transform');
      napa.manager.pushChange('notes', `{n.2} ${napa.manager.getSnapshot().doc!.notes}`);
      releaseAnswer();
      await expect.poll(settled, wait).toBe(true);
      const notes = napa.manager.getSnapshot().doc!.notes;
      expectEachOnce(notes, ['{n.1}', '{n.2}', '{a.1}', '{a.2}']);
      expect(anna.manager.getSnapshot().doc!.notes).toBe(notes);
      for (const c of all) await c.close();
    },
  );
});
