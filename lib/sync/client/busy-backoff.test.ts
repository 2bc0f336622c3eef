import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-db';
import { entityChanges } from '../../db/schema';
import type { SyncUser } from '../service/context';
import { loadSyncFixture } from '../service/testing';
import { settle } from '../testing/fake-network';
import { createServiceNetwork } from '../testing/service-network';
import { createDurableOutbox } from './durable-outbox';
import { createMemoryOutboxStore } from './outbox-store';
import {
  backoffDelay,
  createRealtimeSyncManager,
  type RealtimeSyncManager,
  retryAfterOf,
} from './realtime-sync-manager';
import { createMemoryTabLocks } from './tab-locks';
import type { RpcReply } from './transport';

// A busy server (RATE_LIMITED, or UNAVAILABLE on an open connection) refuses a push as a whole: the manager keeps
// every change pending as it was and sends the same push again after a back-off, on the fake clock.
let database: TestDatabase;
let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;

beforeAll(async () => {
  database = await createTestDatabase('pglite');
  fixture = await loadSyncFixture(database);
});
afterAll(() => database.drop());

type Refusal = Extract<RpcReply, { ok: false }>['error'];

const pushParams = z.object({
  changes: z.array(z.object({ clientChangeId: z.string() }).loose()),
});

/** The jitter draws just under 1: the computed back-off is its ceiling less one ms (99, 199, 399, …). */
const nearlyOne = () => 0.999;

function setup(orderIndex: number, options: { durable?: boolean } = {}) {
  const { time, network } = createServiceNetwork(database);
  const orderId = fixture.editableOrderIds[orderIndex]!;
  const store = createMemoryOutboxStore();
  /** The refusals the next pushes get, in order (a push past them reaches the server). */
  const refusals: Refusal[] = [];
  /** The same for other methods (`sync.open`, `sync.pull`, `lock.renew`). */
  const refusalsOf = new Map<string, Refusal[]>();
  /** Every push as the manager made it, refused or not. */
  const pushes: z.output<typeof pushParams>[] = [];
  const calls: string[] = [];
  let ids = 0;
  /** Lets the manager's promise chains run (a refusal is answered at once, off the network), then the network. */
  const drain = async () => {
    await settle();
    while (await network.step());
  };
  const join = async (person: SyncUser, name: string) => {
    const transport = network.connect({ user: person }, name);
    const rpc = transport.rpc.bind(transport);
    transport.rpc = <T>(method: string, params: unknown): Promise<RpcReply<T>> => {
      calls.push(method);
      if (method === 'sync.push') {
        pushes.push(pushParams.parse(params));
        const refusal = refusals.shift();
        if (refusal) return Promise.resolve({ ok: false, error: refusal });
      }
      const refusal = method === 'sync.push' ? undefined : refusalsOf.get(method)?.shift();
      if (refusal) return Promise.resolve({ ok: false, error: refusal });
      return rpc<T>(method, params);
    };
    const outbox = options.durable
      ? createDurableOutbox({ store, locks: createMemoryTabLocks(), entityId: orderId, userId: person.id })
      : undefined;
    const manager = createRealtimeSyncManager({
      transport,
      entityId: orderId,
      user: { id: person.id, name: person.name },
      clock: time.clock,
      newId: () => `${name}-b${orderIndex}-${++ids}`,
      random: nearlyOne,
      ...(outbox ? { outbox } : {}),
    });
    let started = false;
    const starting = manager.startSync().then(() => {
      started = true;
    });
    // With a durable outbox the open is sent only after the outbox started (a few turns later).
    while (!started) {
      await drain();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await starting;
    return { manager, transport };
  };
  const history = () =>
    database.db
      .select()
      .from(entityChanges)
      .where(and(eq(entityChanges.entityId, orderId)));
  return { time, network, drain, join, refusals, refusalsOf, pushes, calls, store, orderId, history };
}

const pendingIds = (manager: RealtimeSyncManager) =>
  manager.getSnapshot().localChanges.map((c) => c.clientChangeId);

const sentIds = (push: z.output<typeof pushParams>) => push.changes.map((c) => c.clientChangeId);

let lines = 0;

/** A notes edit, a quantity and a new line: one push of three changes once the throttle window passed. */
function threeEdits(manager: RealtimeSyncManager, marker: string) {
  const doc = manager.getSnapshot().doc!;
  const line = doc.lines[0]!;
  manager.pushChange('notes', `${doc.notes} ${marker}`);
  manager.pushChange(`lines.${line.id}.quantity`, line.quantity + 2);
  const id = `b0000000-0000-4000-8000-${String(++lines).padStart(12, '0')}`;
  manager.addLine({ id, productId: fixture.productIds[2]!, quantity: 4 });
  return { line, notes: `${doc.notes} ${marker}` };
}

describe('push refused by a busy server', () => {
  it('keeps every change pending and sends the same push after the back-off, edits made meanwhile after it', async () => {
    const t = setup(0);
    const anna = await t.join(fixture.user('anna@siam.example'), 'anna');
    const states: string[] = [];
    anna.manager.subscribe(() => states.push(anna.manager.getSnapshot().syncState));
    const opensBefore = t.calls.filter((m) => m === 'sync.open').length;
    t.refusals.push(
      { code: 'RATE_LIMITED', message: 'Too many messages; slow down' },
      { code: 'RATE_LIMITED', message: 'busy' },
    );
    const { line, notes } = threeEdits(anna.manager, 'one');
    const queued = pendingIds(anna.manager);
    expect(queued).toHaveLength(3);

    t.time.advance(100);
    await t.drain();
    expect(t.pushes).toHaveLength(1);
    expect(sentIds(t.pushes[0]!)).toEqual(queued);
    const snapshot = anna.manager.getSnapshot();
    expect(snapshot.syncState).toBe('syncing');
    expect(snapshot.retryAt).toBe(t.time.now() + 99);
    expect(pendingIds(anna.manager)).toEqual(queued);
    expect(snapshot.doc!.notes).toBe(notes);

    // Typed while waiting: queued after the refused ones, folded as usual (two notes edits become one).
    anna.manager.pushChange('notes', `${notes} two`);
    anna.manager.pushChange('notes', `${notes} two three`);
    anna.manager.pushChange(`lines.${line.id}.quantity`, line.quantity + 5);
    const withMeanwhile = pendingIds(anna.manager);
    expect(withMeanwhile.slice(0, 3)).toEqual(queued);
    expect(withMeanwhile).toHaveLength(5);

    // Nothing goes before the wait is over.
    t.time.advance(98);
    await t.drain();
    expect(t.pushes).toHaveLength(1);
    t.time.advance(1);
    await t.drain();
    expect(t.pushes).toHaveLength(2);
    expect(t.pushes[1]).toEqual(t.pushes[0]); // the same push, exactly as sent
    // The second refusal in a row waits twice as long (ceiling 200 ms).
    expect(anna.manager.getSnapshot().retryAt).toBe(t.time.now() + 199);
    expect(pendingIds(anna.manager)).toEqual(withMeanwhile);
    t.time.advance(198);
    await t.drain();
    expect(t.pushes).toHaveLength(2);
    t.time.advance(1);
    await t.drain();
    expect(t.pushes).toHaveLength(3);
    expect(t.pushes[2]).toEqual(t.pushes[0]);
    for (let i = 0; i < 4; i++) {
      t.time.advance(200);
      await t.drain();
    }

    const end = anna.manager.getSnapshot();
    expect(anna.manager.isSettled()).toBe(true);
    expect(end.syncState).toBe('synced');
    expect(end.retryAt).toBeNull();
    expect(end.doc!.notes).toBe(`${notes} two three`);
    expect(end.doc!.lines.find((l) => l.id === line.id)!.quantity).toBe(line.quantity + 5);
    expect(end.notices.filter((n) => n.kind === 'resynced' || n.kind === 'discarded')).toEqual([]);
    expect(t.calls.filter((m) => m === 'sync.open').length).toBe(opensBefore); // never reopened
    // Saved once each, in the order they were made.
    const rows = (await t.history()).sort((a, b) => a.version - b.version);
    const mine = rows.map((r) => r.clientChangeId).filter((id) => withMeanwhile.includes(id));
    expect(mine).toEqual(withMeanwhile);
    // "Saving…" all along, never "Saved" (nor offline) before the last answer.
    const lastSyncing = states.lastIndexOf('syncing');
    expect(states.slice(0, lastSyncing + 1).every((s) => s === 'syncing')).toBe(true);
    expect(states.at(-1)).toBe('synced');
  });

  it("waits as long as the server's retryAfterMs says", async () => {
    const t = setup(1);
    const anna = await t.join(fixture.user('anna@siam.example'), 'anna');
    t.refusals.push({ code: 'RATE_LIMITED', message: 'busy', details: { retryAfterMs: 1_500 } });
    threeEdits(anna.manager, 'wait');
    const queued = pendingIds(anna.manager);
    t.time.advance(100);
    await t.drain();
    expect(anna.manager.getSnapshot().retryAt).toBe(t.time.now() + 1_500);
    t.time.advance(1_499);
    await t.drain();
    expect(t.pushes).toHaveLength(1);
    expect(anna.manager.getSnapshot().syncState).toBe('syncing');
    t.time.advance(1);
    await t.drain();
    expect(t.pushes).toHaveLength(2);
    expect(sentIds(t.pushes[1]!)).toEqual(queued);
    expect(anna.manager.isSettled()).toBe(true);
    expect(anna.manager.getSnapshot().syncState).toBe('synced');
  });

  it.each([
    ['negative', { retryAfterMs: -5 }, 99],
    ['a string', { retryAfterMs: '2000' }, 99],
    ['not finite', { retryAfterMs: Number.POSITIVE_INFINITY }, 99],
    ['not an object', 'soon', 99],
    ['huge (capped at 30 s)', { retryAfterMs: 1e12 }, 30_000],
  ])('a retryAfterMs that is %s is not taken as given', async (_name, details, wait) => {
    const t = setup(2);
    const anna = await t.join(fixture.user('anna@siam.example'), 'anna');
    t.refusals.push({ code: 'RATE_LIMITED', message: 'busy', details });
    anna.manager.pushChange('notes', `${anna.manager.getSnapshot().doc!.notes} !`);
    t.time.advance(100);
    await t.drain();
    expect(anna.manager.getSnapshot().retryAt).toBe(t.time.now() + wait);
    t.time.advance(wait - 1);
    await t.drain();
    expect(t.pushes).toHaveLength(1);
    t.time.advance(1);
    await t.drain();
    expect(t.pushes).toHaveLength(2);
    expect(anna.manager.isSettled()).toBe(true);
  });

  it('backs off and retries an UNAVAILABLE on an open connection without waiting for a reconnect', async () => {
    const t = setup(3);
    const anna = await t.join(fixture.user('anna@siam.example'), 'anna');
    const connection: boolean[] = [];
    anna.transport.onConnectionChange((up) => connection.push(up));
    t.refusals.push({ code: 'UNAVAILABLE', message: 'shedding load' });
    threeEdits(anna.manager, 'shed');
    const queued = pendingIds(anna.manager);
    t.time.advance(100);
    await t.drain();
    expect(anna.transport.isConnected()).toBe(true);
    expect(anna.manager.getSnapshot().syncState).toBe('syncing');
    expect(pendingIds(anna.manager)).toEqual(queued);
    t.time.advance(99);
    await t.drain();
    expect(t.pushes).toHaveLength(2);
    expect(t.pushes[1]).toEqual(t.pushes[0]);
    expect(connection).toEqual([]);
    expect(anna.manager.isSettled()).toBe(true);
    expect(anna.manager.getSnapshot().syncState).toBe('synced');
  });

  it('still reads an UNAVAILABLE of a lost connection as offline', async () => {
    const t = setup(4);
    const anna = await t.join(fixture.user('anna@siam.example'), 'anna');
    anna.manager.pushChange('notes', `${anna.manager.getSnapshot().doc!.notes} later`);
    await anna.transport.disconnect();
    t.time.advance(100);
    await t.drain();
    expect(anna.manager.getSnapshot()).toMatchObject({ syncState: 'offline', retryAt: null });
    anna.transport.reconnect();
    for (let i = 0; i < 3; i++) {
      t.time.advance(200);
      await t.drain();
    }
    expect(anna.manager.isSettled()).toBe(true);
  });

  it('sends nothing more once stopped during the back-off', async () => {
    const t = setup(5);
    const anna = await t.join(fixture.user('anna@siam.example'), 'anna');
    t.refusals.push({ code: 'RATE_LIMITED', message: 'busy', details: { retryAfterMs: 5_000 } });
    anna.manager.pushChange('notes', `${anna.manager.getSnapshot().doc!.notes} stop`);
    t.time.advance(100);
    await t.drain();
    expect(t.pushes).toHaveLength(1);
    await anna.manager.stopSync();
    expect(t.time.pendingTimers()).toBe(0);
    t.time.advance(60_000);
    await t.drain();
    expect(t.pushes).toHaveLength(1);
    expect(anna.manager.getSnapshot().syncState).toBe('stopped');
  });

  it('keeps the outbox records of every pending change across the back-off, removed only once acknowledged', async () => {
    const t = setup(6, { durable: true });
    const person = fixture.user('anna@siam.example');
    const anna = await t.join(person, 'anna');
    t.refusals.push(
      { code: 'RATE_LIMITED', message: 'busy' },
      { code: 'UNAVAILABLE', message: 'shedding load', details: { retryAfterMs: 300 } },
    );
    const { notes } = threeEdits(anna.manager, 'kept');
    const stored = async () =>
      (await t.store.load(t.orderId, person.id)).flatMap((r) => r.changes.map((c) => c.clientChangeId));
    t.time.advance(100);
    await t.drain();
    expect(await stored()).toEqual(pendingIds(anna.manager));
    anna.manager.pushChange('notes', `${notes} more`);
    const all = pendingIds(anna.manager);
    expect(all).toHaveLength(4);
    await t.drain();
    expect(await stored()).toEqual(all);
    t.time.advance(99);
    await t.drain();
    expect(t.pushes).toHaveLength(2);
    expect(await stored()).toEqual(all);
    expect(anna.manager.getSnapshot().outbox).toMatchObject({ kept: 4, durable: true });
    t.time.advance(300);
    await t.drain();
    for (let i = 0; i < 3; i++) {
      t.time.advance(200);
      await t.drain();
    }
    expect(anna.manager.isSettled()).toBe(true);
    expect(await stored()).toEqual([]);
    expect(t.store.size()).toBe(0);
    await anna.manager.stopSync();
  });
});

describe('reads and lock renewals refused by a busy server', () => {
  const count = (calls: string[], method: string) => calls.filter((m) => m === method).length;

  it('asks for the order again after the wait the server gave, shown as busy and never as an error', async () => {
    const t = setup(6);
    t.refusalsOf.set('sync.open', [
      { code: 'RATE_LIMITED', message: 'busy', details: { retryAfterMs: 700 } },
    ]);
    const anna = await t.join(fixture.user('anna@siam.example'), 'anna');
    expect(anna.manager.getSnapshot()).toMatchObject({ error: null, retryAt: t.time.now() + 700 });
    expect(anna.manager.getSnapshot().syncState).not.toBe('error');
    expect(count(t.calls, 'sync.open')).toBe(1);
    t.time.advance(699);
    await t.drain();
    expect(count(t.calls, 'sync.open')).toBe(1);
    t.time.advance(1);
    await t.drain();
    expect(count(t.calls, 'sync.open')).toBe(2);
    expect(anna.manager.getSnapshot()).toMatchObject({ syncState: 'synced', retryAt: null, error: null });
    expect(anna.manager.getSnapshot().doc).not.toBeNull();
  });

  it('pulls what it missed again when the catch-up after a reconnect was refused', async () => {
    const t = setup(7);
    const anna = await t.join(fixture.user('anna@siam.example'), 'anna');
    const napa = await t.join(fixture.user('napa@siam.example'), 'napa');
    await anna.transport.disconnect();
    const notes = `${napa.manager.getSnapshot().doc!.notes} while anna was away`;
    napa.manager.pushChange('notes', notes);
    t.time.advance(100);
    await t.drain();
    expect(napa.manager.isSettled()).toBe(true);
    const behind = anna.manager.getSnapshot().version;
    t.refusalsOf.set('sync.pull', [{ code: 'RATE_LIMITED', message: 'busy' }]);
    anna.transport.reconnect();
    await t.drain();
    expect(count(t.calls, 'sync.pull')).toBe(1);
    expect(anna.manager.getSnapshot()).toMatchObject({
      version: behind,
      error: null,
      retryAt: t.time.now() + 99,
    });
    t.time.advance(99);
    await t.drain();
    expect(count(t.calls, 'sync.pull')).toBe(2);
    expect(anna.manager.getSnapshot()).toMatchObject({ retryAt: null, error: null });
    expect(anna.manager.getSnapshot().doc!.notes).toBe(notes);
  });

  it('keeps a lock a busy server did not renew, and renews it at the next try', async () => {
    const t = setup(8);
    const anna = await t.join(fixture.user('anna@siam.example'), 'anna');
    const acquiring = anna.manager.acquireLock('status');
    await t.drain();
    expect((await acquiring).ok).toBe(true);
    const first = anna.manager.lock('status')!;
    t.refusalsOf.set('lock.renew', [{ code: 'RATE_LIMITED', message: 'busy' }]);
    // Up to the first renewal (a third of the lease), refused.
    for (let i = 0; i < 60 && count(t.calls, 'lock.renew') === 0; i++) {
      t.time.advance(1_000);
      await t.drain();
    }
    expect(anna.manager.lockedByMe('status')).toBe(true);
    expect(anna.manager.getSnapshot().notices.filter((n) => n.kind === 'lock-lost')).toEqual([]);
    for (let i = 0; i < 60 && count(t.calls, 'lock.renew') === 1; i++) {
      t.time.advance(1_000);
      await t.drain();
    }
    expect(anna.manager.lock('status')!.expiresAt).toBeGreaterThan(first.expiresAt);
    expect(t.time.now()).toBeLessThan(first.expiresAt); // renewed before the lease ran out
    expect(anna.manager.getSnapshot().notices.filter((n) => n.kind === 'lock-lost')).toEqual([]);
  });
});

describe('back-off', () => {
  it("takes the server's retryAfterMs when it is a usable number, capped at 30 s", () => {
    expect(retryAfterOf({ retryAfterMs: 0 })).toBe(0);
    expect(retryAfterOf({ retryAfterMs: 250, other: true })).toBe(250);
    expect(retryAfterOf({ retryAfterMs: 45_000 })).toBe(30_000);
    for (const details of [undefined, null, 'x', 7, {}, { retryAfterMs: -1 }, { retryAfterMs: '5' }])
      expect(retryAfterOf(details)).toBeNull();
    expect(retryAfterOf({ retryAfterMs: Number.NaN })).toBeNull();
    expect(retryAfterOf({ retryAfterMs: Number.POSITIVE_INFINITY })).toBeNull();
  });

  it('doubles its ceiling from 100 ms up to 5 s, with full jitter', () => {
    const ceilings = Array.from({ length: 9 }, (_, streak) => backoffDelay(streak, () => 0.999_999) + 1);
    expect(ceilings).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000, 5_000]);
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.5)).toBe(400);
    expect(backoffDelay(1_000, () => 0.999_999)).toBe(4_999);
  });
});
