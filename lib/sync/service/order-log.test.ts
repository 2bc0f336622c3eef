import { sql } from 'drizzle-orm';
import { type as textType } from 'ot-text-unicode';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../../e2e/support/services';
import { createTestDatabase, type TestDatabase, type TestDbKind } from '../../../e2e/support/test-db';
import { isCompact } from '../../db/queries/change-values';
import { listHistory } from '../../db/queries/order-changes';
import { entityChanges } from '../../db/schema';
import { digestOf } from '../digest';
import { applyChangeToDoc } from '../doc';
import type { OrderPolicy } from '../policy';
import type { PushedChange } from '../protocol';
import type { ChangeResult } from '../types';
import type { SyncContext } from './context';
import { createMemoryLockStore } from './locks/memory-lock-store';
import { createSyncService, type SyncService } from './sync-service';
import { createEventSink, loadSyncFixture } from './testing';

const kinds: TestDbKind[] = ['pglite'];
if (await postgresAvailable()) kinds.push('postgres');

/** A small seeded generator (mulberry32): a failing seed replays the same script. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!,
  };
}

type Node = { service: SyncService; clock: { now: number } };

async function startNode(database: TestDatabase, orderLog: boolean, clock: { now: number }): Promise<Node> {
  const service = createSyncService({
    database,
    locks: createMemoryLockStore(() => clock.now),
    publish: createEventSink().publish,
    now: () => clock.now,
    orderLog,
  });
  return { service, clock };
}

/** One scripted push: who, on which order (index), what, and on which version relative to the newest known. */
type Step = {
  user: number;
  order: number;
  kind: 'text' | 'address' | 'quantity' | 'retry';
  at: number;
  marker: string;
  lag: number;
};

function script(seed: number, steps: number): Step[][] {
  const r = random(seed);
  const rounds: Step[][] = [];
  let n = 0;
  while (n < steps) {
    const round: Step[] = [];
    for (let i = 1 + r.int(6); i > 0 && n < steps; i--, n++) {
      const roll = r.next();
      round.push({
        user: r.int(3),
        order: r.int(3),
        kind: roll < 0.55 ? 'text' : roll < 0.75 ? 'address' : roll < 0.88 ? 'quantity' : 'retry',
        at: r.int(1_000),
        marker: `{${n}}`,
        lag: r.next() < 0.6 ? 0 : r.int(4),
      });
    }
    rounds.push(round);
  }
  return rounds;
}

/** What a result says, without what differs between runs (ids, conflict ids). */
function shape(result: ChangeResult) {
  if (result.status === 'applied')
    return {
      status: result.status,
      version: result.version,
      outcome: result.outcome,
      overwrote: result.overwrote?.userName ?? null,
      concurrent: result.concurrent.map((c) => c.userName).sort(),
    };
  if (result.status === 'conflict')
    return { status: result.status, theirs: result.theirs.userName, version: result.theirs.version };
  return { status: result.status, code: result.code };
}

/**
 * Runs a script of concurrent pushes (each round's pushes in flight together) against one or two nodes, and
 * returns every answer, in script order, with the orders as they end.
 */
async function runScript(database: TestDatabase, nodes: Node[], policy: Partial<OrderPolicy>, seed: number) {
  const fixture = await loadSyncFixture(database);
  const people = ['anna@siam.example', 'napa@siam.example', 'admin@siam.example'].map((email, i) =>
    fixture.ctx(fixture.user(email), `conn-${i}`),
  );
  const admin = people[2]!;
  const first = nodes[0]!.service;
  const current = await first.getPolicy(admin, { entityType: 'order' });
  if (!current.ok) throw new Error('no policy');
  await first.setPolicy(admin, { entityType: 'order', sections: { ...current.value.sections, ...policy } });
  const orderIds = fixture.editableOrderIds.slice(0, 3);
  const newest = new Map<string, number>();
  const opened = new Map<string, Awaited<ReturnType<SyncService['open']>>>();
  for (const id of orderIds) {
    const o = await first.open(admin, { entityType: 'order', entityId: id });
    if (!o.ok) throw new Error(o.error.message);
    opened.set(id, o);
    newest.set(id, o.value.version);
  }
  // The notes at every version so far, replayed from the history, so an edit can be typed on an older one.
  const notesAt = new Map<string, Map<number, string>>();
  const readHistory = async () => {
    for (const id of orderIds) {
      const o = opened.get(id);
      if (!o?.ok) continue;
      const pulled = await first.pull(admin, {
        entityType: 'order',
        entityId: id,
        sinceVersion: o.value.version,
      });
      if (!pulled.ok) throw new Error(pulled.error.message);
      const versions = new Map([[o.value.version, o.value.doc.notes]]);
      let doc = o.value.doc;
      for (const change of pulled.value.changes) {
        doc = applyChangeToDoc(doc, change.field, change.op);
        versions.set(change.version, doc.notes);
      }
      notesAt.set(id, versions);
    }
  };
  const sent: { ctx: SyncContext; entityId: string; change: PushedChange }[] = [];
  const answers: ReturnType<typeof shape>[] = [];
  let seq = 0;
  for (const [r, round] of script(seed, 90).entries()) {
    await readHistory();
    const pushes = round.map((step, i) => {
      const entityId = orderIds[step.order]!;
      const ctx = people[step.user]!;
      const node = nodes[(r + i) % nodes.length]!;
      let change: PushedChange;
      let who = ctx;
      const o = opened.get(entityId)!;
      const start = o.ok ? o.value : null;
      const baseVersion = Math.max(start?.version ?? 0, (newest.get(entityId) ?? 0) - step.lag);
      if (step.kind === 'retry' && sent.length > 0) {
        const again = sent[step.at % sent.length]!;
        who = again.ctx;
        return node.service
          .push(who, { entityType: 'order', entityId: again.entityId, changes: [again.change] })
          .then((pushed) => ({ entityId: again.entityId, pushed }));
      }
      const clientChangeId = `s${seed}-${++seq}`;
      if (step.kind === 'address' && start) {
        change = {
          clientChangeId,
          baseVersion,
          field: 'shippingAddress',
          op: { type: 'set', value: { ...start.doc.shippingAddress, line1: `Road ${step.marker}` } },
        };
      } else if (step.kind === 'quantity' && start?.doc.lines[0]) {
        change = {
          clientChangeId,
          baseVersion,
          field: `lines.${start.doc.lines[0].id}.quantity`,
          op: { type: 'set', value: 1 + (step.at % 9) },
        };
      } else {
        // Between two markers of the notes at the base version, or at either end (never inside a marker).
        const notes = Array.from(notesAt.get(entityId)?.get(baseVersion) ?? '');
        const boundaries = [0, notes.length, ...notes.flatMap((c, k) => (c === '}' ? [k + 1] : []))];
        const at = boundaries[step.at % boundaries.length]!;
        const op =
          policy.notes === 'operational-transform'
            ? { type: 'text' as const, op: at > 0 ? [at, step.marker] : [step.marker] }
            : null;
        change = op
          ? { clientChangeId, baseVersion, field: 'notes', op }
          : {
              clientChangeId,
              baseVersion,
              field: 'notes',
              op: { type: 'set', value: `notes ${step.marker}` },
            };
      }
      sent.push({ ctx: who, entityId, change });
      return node.service
        .push(who, { entityType: 'order', entityId, changes: [change] })
        .then((pushed) => ({ entityId, pushed }));
    });
    for (const { entityId, pushed } of await Promise.all(pushes)) {
      if (!pushed.ok) throw new Error(`${pushed.error.code}: ${pushed.error.message}`);
      for (const result of pushed.value.results) answers.push(shape(result));
      for (const change of pushed.value.changes)
        newest.set(entityId, Math.max(newest.get(entityId) ?? 0, change.version));
    }
    for (const node of nodes) node.clock.now += 400;
  }
  const ends = [];
  for (const id of orderIds) {
    const end = await first.open(admin, { entityType: 'order', entityId: id });
    if (!end.ok) throw new Error(end.error.message);
    const pulled = await first.pull(admin, { entityType: 'order', entityId: id, sinceVersion: 0 });
    if (!pulled.ok) throw new Error(pulled.error.message);
    const o = opened.get(id);
    if (!o?.ok) throw new Error('not opened');
    ends.push({ id, start: o.value, end: end.value, history: pulled.value.changes });
  }
  return { answers, ends, sent, tenantId: admin.user.tenantId };
}

/** Every history row of the orders with its values, as the history's readers get them (rebuilt where compact). */
async function storedHistory(database: TestDatabase, tenantId: string, orderIds: readonly string[]) {
  const byOrder = [];
  for (const entityId of orderIds) {
    const rows = await listHistory(database.db, { tenantId, entityType: 'order', entityId, limit: 100_000 });
    byOrder.push(rows.reverse());
  }
  return byOrder;
}

/** Rows kept by their op alone in the database (lib/db/queries/change-values.ts). */
async function compactRows(database: TestDatabase) {
  const rows = await database.db.select().from(entityChanges);
  return rows.filter(isCompact).length;
}

/**
 * The notes rows of one order chain: each text row's op turns its `before` into its `after`, each row starts
 * from the one before it, and the last one ends at the order's notes.
 */
function expectNotesChain(rows: Awaited<ReturnType<typeof listHistory>>, notes: string) {
  const ofNotes = rows.filter((row) => row.field === 'notes');
  for (const [i, row] of ofNotes.entries()) {
    const op = row.op as { type: string; op?: unknown };
    if (op.type === 'text' && typeof row.before === 'string')
      expect(textType.apply(row.before, op.op as never), `version ${row.version}`).toBe(row.after);
    if (i > 0) expect(row.before, `version ${row.version}`).toBe(ofNotes[i - 1]!.after);
  }
  if (ofNotes.length > 0) expect(ofNotes.at(-1)!.after).toBe(notes);
}

function orderLogSuite(kind: TestDbKind) {
  const databases: TestDatabase[] = [];
  const fresh = async () => {
    const database = await createTestDatabase(kind);
    databases.push(database);
    return database;
  };
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });
  /** A database of its own with one node on it (with the order log or not) and its people and orders. */
  const freshNode = async (orderLog: boolean) => {
    const database = await fresh();
    const clock = { now: 1_700_000_000_000 };
    const node = await startNode(database, orderLog, clock);
    return { database, clock, node, fixture: await loadSyncFixture(database) };
  };

  const policies: { name: string; policy: Partial<OrderPolicy> }[] = [
    { name: 'ot notes, manual address', policy: { notes: 'operational-transform', shipping: 'manual' } },
    {
      name: 'last-write-wins notes and address',
      policy: { notes: 'last-write-wins', shipping: 'last-write-wins' },
    },
  ];
  for (const { name, policy } of policies) {
    for (const seed of [1, 2]) {
      it(`answers every push as the per-change path does (${name}, seed ${seed})`, async () => {
        const clockA = { now: 1_700_000_000_000 };
        const clockB = { now: 1_700_000_000_000 };
        const loggedDb = await fresh();
        const logged = await runScript(loggedDb, [await startNode(loggedDb, true, clockA)], policy, seed);
        const plainDb = await fresh();
        const plain = await runScript(plainDb, [await startNode(plainDb, false, clockB)], policy, seed);
        expect(logged.answers).toEqual(plain.answers);
        // Every history row reads back with the values the per-change path stored, though the order log kept the
        // runs of typing by their ops alone.
        const ids = logged.ends.map((end) => end.id);
        const { tenantId } = logged;
        const values = (rows: Awaited<ReturnType<typeof storedHistory>>) =>
          rows.map((ofOrder) => ofOrder.map((r) => [r.version, r.field, r.before, r.after, r.inverse]));
        expect(values(await storedHistory(loggedDb, tenantId, ids))).toEqual(
          values(await storedHistory(plainDb, tenantId, ids)),
        );
        expect(await compactRows(plainDb)).toBe(0);
        if (policy.notes === 'operational-transform') expect(await compactRows(loggedDb)).toBeGreaterThan(0);
        for (const [i, end] of logged.ends.entries()) {
          const other = plain.ends[i]!;
          expect(end.end.version).toBe(other.end.version);
          expect(end.end.doc.notes).toBe(other.end.doc.notes);
          expect(end.end.doc.shippingAddress).toEqual(other.end.doc.shippingAddress);
          expect(end.end.digest).toBe(other.end.digest);
          expect(end.history.map((c) => [c.version, c.field, c.op, c.outcome, c.userName, c.digest])).toEqual(
            other.history.map((c) => [c.version, c.field, c.op, c.outcome, c.userName, c.digest]),
          );
        }
      });
    }
  }

  it('keeps two nodes on one order gapless, each edit once and every retry answered the same', async () => {
    const database = await fresh();
    const clock = { now: 1_700_000_000_000 };
    const nodes = [await startNode(database, true, clock), await startNode(database, true, clock)];
    const policy = { notes: 'operational-transform', shipping: 'last-write-wins' } as const;
    const run = await runScript(database, nodes, policy, 7);
    for (const { end, history, start } of run.ends) {
      // Replaying the history from the opened order gives every version's digest: no node judged an edit on a
      // state that missed the other's.
      let doc = start.doc;
      for (const change of history.filter((c) => c.version > start.version)) {
        doc = applyChangeToDoc(doc, change.field, change.op);
        expect(digestOf(doc), `version ${change.version}`).toBe(change.digest);
      }
      // Every version from the first is there once, and the last one's digest is the order's.
      const versions = history.map((c) => c.version);
      expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => versions[0]! + i));
      expect(versions.at(-1)).toBe(end.version);
      expect(history.at(-1)?.digest).toBe(digestOf(end.doc));
      const ids = history.map((c) => `${c.userId}:${c.clientChangeId}`);
      expect(new Set(ids).size).toBe(ids.length);
    }
    // Whichever node wrote them, by their values or by their ops alone, the notes rows read back as one chain.
    const stored = await storedHistory(
      database,
      run.tenantId,
      run.ends.map((e) => e.id),
    );
    for (const [i, rows] of stored.entries()) expectNotesChain(rows, run.ends[i]!.end.doc.notes);
    expect(await compactRows(database)).toBeGreaterThan(0);
    // Every text marker that was applied is in its order's notes exactly once.
    const applied = new Set(run.ends.flatMap(({ history }) => history.map((c) => c.clientChangeId)));
    for (const { change, entityId } of run.sent) {
      if (change.field !== 'notes' || change.op.type !== 'text' || !applied.has(change.clientChangeId))
        continue;
      const marker = change.op.op.find((c) => typeof c === 'string') as string;
      const notes = run.ends.find((e) => e.id === entityId)?.end.doc.notes ?? '';
      expect(notes.split(marker).length - 1).toBe(1);
    }
  });

  it('runs every edit of a tick that failed on the per-change path: the others commit once, the bad one fails', async () => {
    const database = await fresh();
    // A history row the database refuses (a stand-in for any failure inside a tick's transaction).
    await database.db.execute(sql`create function refuse_boom() returns trigger language plpgsql as $$
      begin if new.client_change_id like 'boom%' then raise exception 'refused by the test'; end if; return new; end $$`);
    await database.db.execute(
      sql`create trigger refuse_boom before insert on entity_changes for each row execute function refuse_boom()`,
    );
    const clock = { now: 1_700_000_000_000 };
    const { service } = await startNode(database, true, clock);
    const fixture = await loadSyncFixture(database);
    const anna = fixture.ctx(fixture.user('anna@siam.example'), 'conn-anna');
    const napa = fixture.ctx(fixture.user('napa@siam.example'), 'conn-napa');
    const [a, b] = fixture.editableOrderIds;
    const open = async (id: string) => {
      const opened = await service.open(anna, { entityType: 'order', entityId: id! });
      if (!opened.ok) throw new Error(opened.error.message);
      return opened.value;
    };
    const startA = await open(a!);
    const startB = await open(b!);
    const text = (id: string, base: number, text: string): PushedChange => ({
      clientChangeId: id,
      baseVersion: base,
      field: 'notes',
      op: { type: 'text', op: [text] },
    });
    // Three edits in flight together share a tick: two good ones on two orders and the refused one.
    const [good1, bad, good2] = await Promise.all([
      service.push(anna, {
        entityType: 'order',
        entityId: a!,
        changes: [text('ok-1', startA.version, '[1]')],
      }),
      service
        .push(napa, { entityType: 'order', entityId: b!, changes: [text('boom-1', startB.version, '[x]')] })
        .then(
          (answer) => ({ answer, error: null }),
          (error: unknown) => ({ answer: null, error }),
        ),
      service.push(napa, {
        entityType: 'order',
        entityId: a!,
        changes: [text('ok-2', startA.version, '[2]')],
      }),
    ]);
    expect(good1.ok && good1.value.results[0]).toMatchObject({
      status: 'applied',
      version: startA.version + 1,
    });
    expect(good2.ok && good2.value.results[0]).toMatchObject({
      status: 'applied',
      version: startA.version + 2,
    });
    expect(bad.answer).toBeNull();
    expect(String(bad.error)).toMatch(/refused by the test|Failed query/);
    const endA = await open(a!);
    const endB = await open(b!);
    expect(endA.version).toBe(startA.version + 2);
    expect(endA.doc.notes).toBe(`[2][1]${startA.doc.notes}`);
    expect(endB.version).toBe(startB.version);
    expect(endB.doc.notes).toBe(startB.doc.notes);
    // Memory was read again: the next edits go on from the committed state.
    const next = await service.push(anna, {
      entityType: 'order',
      entityId: a!,
      changes: [text('ok-3', endA.version, '[3]')],
    });
    expect(next.ok && next.value.results[0]).toMatchObject({ status: 'applied', version: endA.version + 1 });
    expect((await open(a!)).doc.notes).toBe(`[3][2][1]${startA.doc.notes}`);
  });

  it('enters a policy switch decided while the order is in memory before the next edit (on this node or another)', async () => {
    const database = await fresh();
    const clock = { now: 1_700_000_000_000 };
    // Two nodes: the admin's switch goes through the other one, so nothing on this node hears of it.
    const [{ service }, { service: other }] = [
      await startNode(database, true, clock),
      await startNode(database, true, clock),
    ];
    const fixture = await loadSyncFixture(database);
    const anna = fixture.ctx(fixture.user('anna@siam.example'), 'conn-anna');
    const admin = fixture.ctx(fixture.user('admin@siam.example'), 'conn-admin');
    const current = await other.getPolicy(admin, { entityType: 'order' });
    if (!current.ok) throw new Error('no policy');
    await other.setPolicy(admin, {
      entityType: 'order',
      sections: { ...current.value.sections, notes: 'operational-transform' },
    });
    const id = fixture.editableOrderIds[0]!;
    const opened = await service.open(anna, { entityType: 'order', entityId: id });
    if (!opened.ok) throw new Error(opened.error.message);
    const text = (changeId: string, base: number, typed: string): PushedChange => ({
      clientChangeId: changeId,
      baseVersion: base,
      field: 'notes',
      op: { type: 'text', op: [typed] },
    });
    // In memory now: this edit went through the order log.
    const first = await service.push(anna, {
      entityType: 'order',
      entityId: id,
      changes: [text('p-1', opened.value.version, '[1]')],
    });
    expect(first.ok && first.value.results[0]).toMatchObject({
      status: 'applied',
      version: opened.value.version + 1,
    });
    // The notes become one value at a time: text edits made before the switch no longer fit.
    await other.setPolicy(admin, {
      entityType: 'order',
      sections: { ...current.value.sections, notes: 'last-write-wins' },
    });
    const second = await service.push(anna, {
      entityType: 'order',
      entityId: id,
      changes: [text('p-2', opened.value.version + 1, '[2]')],
    });
    expect(second.ok && second.value.results[0]).toMatchObject({ status: 'rejected', code: 'STALE_VERSION' });
    const history = await service.history(anna, { entityType: 'order', entityId: id, limit: 5 });
    if (!history.ok) throw new Error(history.error.message);
    const newest = history.value.items[0]!;
    expect(newest).toMatchObject({ version: opened.value.version + 2, field: 'policy' });
    const end = await service.open(anna, { entityType: 'order', entityId: id });
    expect(end.ok && end.value.doc.notes).toBe(`[1]${opened.value.doc.notes}`);
  });

  it('stores what people type exactly as the per-change path does, whatever the characters', async () => {
    // Text the tick's JSON rows must carry through unchanged: quotes, backslashes, what looks like JSON, SQL or an
    // array literal, escapes typed as text, Thai, emoji, line breaks.
    const typed = [
      'say "hi" \\ back\\slash \\\\ {a,b} (x, y) NULL null',
      '{"op":[1,"x"]} \\u0041 \\ud83d \\n $1::json \'; drop table orders; --',
      'ส่งของวันจันทร์ 🚚👍🏽 ลูกค้า "ประจำ"\nบรรทัดสอง\ttab',
      '\u{1F69A}\u{20000} and nothing: ',
    ];
    const results = [];
    for (const orderLog of [true, false]) {
      const { database, clock, node, fixture } = await freshNode(orderLog);
      const admin = fixture.ctx(fixture.user('admin@siam.example'), 'conn-admin');
      const anna = fixture.ctx(fixture.user('anna@siam.example'), 'conn-anna');
      const policy = await node.service.getPolicy(admin, { entityType: 'order' });
      if (!policy.ok) throw new Error('no policy');
      await node.service.setPolicy(admin, {
        entityType: 'order',
        sections: { ...policy.value.sections, notes: 'operational-transform', shipping: 'last-write-wins' },
      });
      const id = fixture.editableOrderIds[0]!;
      const start = await node.service.open(anna, { entityType: 'order', entityId: id });
      if (!start.ok) throw new Error(start.error.message);
      let version = start.value.version;
      const changes: PushedChange[] = typed.flatMap((text, i) => [
        { clientChangeId: `t${i}`, baseVersion: 0, field: 'notes', op: { type: 'text', op: [text] } },
        {
          clientChangeId: `a${i}`,
          baseVersion: 0,
          field: 'shippingAddress',
          op: { type: 'set', value: { ...start.value.doc.shippingAddress, line1: text, line2: `${i}` } },
        },
      ]);
      const answers = [];
      for (const change of changes) {
        const pushed = await node.service.push(anna, {
          entityType: 'order',
          entityId: id,
          changes: [{ ...change, baseVersion: version }],
        });
        if (!pushed.ok) throw new Error(pushed.error.message);
        version = Math.max(version, ...pushed.value.changes.map((c) => c.version));
        answers.push(pushed.value.results.map(shape));
      }
      // A node that has not seen the order reads it all from the database; a retry there is answered from the
      // stored answers.
      const reader = await startNode(database, orderLog, clock);
      const end = await reader.service.open(anna, { entityType: 'order', entityId: id });
      const history = await reader.service.pull(anna, {
        entityType: 'order',
        entityId: id,
        sinceVersion: start.value.version,
      });
      const retried = await reader.service.push(anna, {
        entityType: 'order',
        entityId: id,
        changes: [{ ...changes[6]!, baseVersion: start.value.version }],
      });
      if (!end.ok || !history.ok || !retried.ok) throw new Error('the order could not be read back');
      expect(end.value.doc.notes).toBe([...typed].reverse().join('') + start.value.doc.notes);
      expect(end.value.doc.shippingAddress.line1).toBe(typed[3]);
      expect(history.value.changes.map((c) => c.field)).toEqual(changes.map((c) => c.field));
      expect(retried.value.results.map(shape)).toEqual(answers[6]);
      results.push({
        notes: end.value.doc.notes,
        address: end.value.doc.shippingAddress,
        digest: end.value.digest,
        history: history.value.changes.map((c) => [c.version, c.field, c.op, c.outcome, c.digest]),
        answers,
      });
    }
    expect(results[0]).toEqual(results[1]);
  });

  it('undoes and redoes runs of typing kept by their ops as the per-change path does', async () => {
    // Two people type 90 keystrokes (runs split by pauses, crossing rows kept with their values), then undo and
    // redo: each step reads the runs' values back from ops.
    const results = [];
    for (const orderLog of [true, false]) {
      const { database, clock, node, fixture } = await freshNode(orderLog);
      const people = [fixture.user('anna@siam.example'), fixture.user('napa@siam.example')].map((u, i) =>
        fixture.ctx(u, `conn-${i}`),
      );
      const id = fixture.editableOrderIds[2]!;
      const opened = await node.service.open(people[0]!, { entityType: 'order', entityId: id });
      if (!opened.ok) throw new Error(opened.error.message);
      let version = opened.value.version;
      let notes = opened.value.doc.notes;
      const r = random(11);
      for (let i = 0; i < 90; i++) {
        const who = people[Math.floor(i / 20) % 2]!;
        const at = r.int([...notes].length + 1);
        const op = at === 0 ? [`ก${i}`] : [at, `ก${i}`];
        const pushed = await node.service.push(who, {
          entityType: 'order',
          entityId: id,
          changes: [
            { clientChangeId: `k${i}`, baseVersion: version, field: 'notes', op: { type: 'text', op } },
          ],
        });
        if (!pushed.ok) throw new Error(pushed.error.message);
        version = Math.max(version, ...pushed.value.changes.map((c) => c.version));
        notes = textType.apply(notes, op);
        clock.now += i % 13 === 12 ? 5_000 : 200;
      }
      const steps: string[] = [];
      const read = async () => {
        const end = await node.service.open(people[0]!, { entityType: 'order', entityId: id });
        if (!end.ok) throw new Error(end.error.message);
        steps.push(end.value.doc.notes);
      };
      await read();
      for (const [who, mode] of [
        [0, 'undo'],
        [1, 'undo'],
        [0, 'undo'],
        [0, 'redo'],
        [1, 'undo'],
      ] as const) {
        const answer = await node.service[mode](people[who]!, { entityType: 'order', entityId: id });
        if (!answer.ok) throw new Error(`${mode}: ${answer.error.message}`);
        clock.now += 1_000;
        await read();
      }
      // Every step changed the notes, and the redo put back what the last undo took.
      for (let i = 1; i < steps.length; i++) expect(steps[i]).not.toBe(steps[i - 1]);
      expect(steps[4]).toBe(steps[2]);
      if (orderLog) expect(await compactRows(database)).toBeGreaterThan(40);
      results.push(steps);
    }
    expect(results[0]).toEqual(results[1]);
  });

  it('refuses a push past the bound of edits in flight whole, with a pause to wait', async () => {
    const database = await fresh();
    const clock = { now: 1_700_000_000_000 };
    const service = createSyncService({
      database,
      locks: createMemoryLockStore(() => clock.now),
      publish: createEventSink().publish,
      now: () => clock.now,
      maxPendingPerOrder: 3,
    });
    const fixture = await loadSyncFixture(database);
    const anna = fixture.ctx(fixture.user('anna@siam.example'), 'conn-anna');
    const id = fixture.editableOrderIds[0]!;
    const start = await service.open(anna, { entityType: 'order', entityId: id });
    if (!start.ok) throw new Error(start.error.message);
    const edit = (n: number): PushedChange => ({
      clientChangeId: `busy-${n}`,
      baseVersion: start.value.version,
      field: 'notes',
      op: { type: 'text', op: [`${n}`] },
    });
    const first = service.push(anna, { entityType: 'order', entityId: id, changes: [edit(1), edit(2)] });
    const refused = await service.push(anna, {
      entityType: 'order',
      entityId: id,
      changes: [edit(3), edit(4)],
    });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', details: { reason: 'busy' } },
    });
    const wait = !refused.ok && (refused.error.details as { retryAfterMs: number }).retryAfterMs;
    expect(wait).toBeGreaterThan(0);
    expect(await first).toMatchObject({ ok: true });
    // Nothing of the refused push was taken; sent again once the first is answered, it is.
    const after = await service.open(anna, { entityType: 'order', entityId: id });
    expect(after.ok && after.value.version).toBe(start.value.version + 2);
    const again = await service.push(anna, {
      entityType: 'order',
      entityId: id,
      changes: [edit(3), edit(4)],
    });
    expect(again.ok && again.value.results.map((r) => r.status)).toEqual(['applied', 'applied']);
  });
}

for (const kind of kinds) describe(`the order log (${kind})`, () => orderLogSuite(kind));
