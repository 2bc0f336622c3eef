import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../../../e2e/support/services';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-db';
import type { PushedChange, SyncParams } from '../protocol';
import type { SyncContext } from './context';
import { createMemoryLockStore } from './locks/memory-lock-store';
import { createOrderOwners, type OrderOwners, type OwnerBus, preferredOwner } from './order-owner';
import { createSyncService } from './sync-service';
import { createEventSink, loadSyncFixture } from './testing';

const withRedis = await redisAvailable();

describe('preferredOwner: which live node a free order goes to', () => {
  const ids = Array.from({ length: 3_000 }, () => randomUUID());
  const share = (nodes: string[]) => {
    const counts = new Map(nodes.map((node) => [node, 0]));
    for (const id of ids) {
      const node = preferredOwner(id, nodes)!;
      counts.set(node, counts.get(node)! + 1);
    }
    return nodes.map((node) => counts.get(node)! / ids.length);
  };

  it('spreads orders evenly, and every node picks the same one whatever the order of its list', () => {
    for (const share2 of share(['node-a', 'node-b'])) expect(share2).toBeGreaterThan(0.45);
    for (const share3 of share([randomUUID(), randomUUID(), randomUUID()]))
      expect(share3).toBeGreaterThan(0.28);
    for (const id of ids.slice(0, 200))
      expect(preferredOwner(id, ['c', 'a', 'b'])).toBe(preferredOwner(id, ['b', 'c', 'a']));
    expect(preferredOwner('order', [])).toBeUndefined();
  });

  it('moves only the orders of a node that joins or leaves', () => {
    const before = ids.map((id) => preferredOwner(id, ['a', 'b', 'c']));
    const joined = ids.map((id) => preferredOwner(id, ['a', 'b', 'c', 'd']));
    const moved = ids.filter((_, i) => before[i] !== joined[i]);
    // A quarter of the orders go to the new node, and only to it.
    expect(moved.length / ids.length).toBeGreaterThan(0.2);
    expect(moved.length / ids.length).toBeLessThan(0.3);
    for (const [i, id] of ids.entries())
      if (before[i] !== joined[i]) expect(preferredOwner(id, ['a', 'b', 'c', 'd'])).toBe('d');
    const left = ids.map((id) => preferredOwner(id, ['a', 'c']));
    for (const [i] of ids.entries()) if (before[i] !== 'b') expect(left[i]).toBe(before[i]);
  });
});
const kind = (await postgresAvailable()) ? 'postgres' : 'pglite';

/** Two nodes' routers on the real Redis, each with its own sync service (and order log) on one database. */
describe.skipIf(!withRedis)('order owners: one node writes an order, the others forward', () => {
  let database: TestDatabase;
  let fixture: Awaited<ReturnType<typeof loadSyncFixture>>;
  let anna: SyncContext;
  let napa: SyncContext;
  const prefix = `osl-owner-test-${randomUUID().slice(0, 8)}`;
  const connections: Redis[] = [];
  const routers: OrderOwners[] = [];
  const redis = () => {
    const connection = new Redis(TEST_REDIS_URL, { lazyConnect: false, maxRetriesPerRequest: 2 });
    connections.push(connection);
    return connection;
  };

  /** A bus over Redis pub/sub; `deaf()` stops this node hearing anything (a node that died without a word). */
  function redisBus() {
    const pub = redis();
    const sub = redis();
    const handlers = new Map<string, (payload: string) => void>();
    let listening = true;
    sub.on('message', (channel: string, payload: string) => {
      const topic = channel.slice(prefix.length + 1);
      if (listening) handlers.get(topic)?.(payload);
    });
    const bus: OwnerBus = {
      publish: async (topic, payload) => {
        await pub.publish(`${prefix}:${topic}`, payload);
      },
      on: (topic, handler) => {
        handlers.set(topic, handler);
        void sub.subscribe(`${prefix}:${topic}`);
      },
    };
    return { bus, ready: () => sub.subscribe(`${prefix}:ready`), deaf: () => (listening = false) };
  }

  async function node(
    name: string,
    leaseMs = 10_000,
    timeoutMs = 3_000,
    otherNodes?: () => Iterable<string>,
  ) {
    const service = createSyncService({
      database,
      locks: createMemoryLockStore(),
      publish: createEventSink().publish,
    });
    const runs: string[] = [];
    const { bus, ready, deaf } = redisBus();
    const nodeId = `${name}-${randomUUID().slice(0, 6)}`;
    const owners = createOrderOwners({
      redis: redis(),
      prefix,
      nodeId,
      bus,
      leaseMs,
      timeoutMs,
      ...(otherNodes ? { otherNodes } : {}),
      run: (ctx, params) => {
        runs.push(params.entityId);
        return service.push(ctx, params);
      },
    });
    routers.push(owners);
    await ready();
    return { service, owners, runs, deaf, nodeId };
  }

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    fixture = await loadSyncFixture(database);
    anna = fixture.ctx(fixture.user('anna@siam.example'), 'conn-anna');
    napa = fixture.ctx(fixture.user('napa@siam.example'), 'conn-napa');
  });
  afterAll(async () => {
    for (const router of routers) await router.close().catch(() => undefined);
    const cleanup = redis();
    const keys = await cleanup.keys(`${prefix}:*`);
    if (keys.length > 0) await cleanup.del(...keys);
    for (const connection of connections) connection.disconnect();
    await database.drop();
  });

  /** Orders the first three tests leave alone. */
  const spare = () => fixture.orderIds.filter((id) => !fixture.editableOrderIds.slice(0, 3).includes(id));
  const edit = (id: string, baseVersion: number, text: string): PushedChange => ({
    clientChangeId: id,
    baseVersion,
    field: 'notes',
    op: { type: 'text', op: [text] },
  });
  const params = (entityId: string, change: PushedChange): SyncParams<'sync.push'> => ({
    entityType: 'order',
    entityId,
    changes: [change],
  });

  it('runs every push of an order on the node that took it first; the other forwards and hears the same answer', async () => {
    const a = await node('a');
    const b = await node('b');
    const id = fixture.editableOrderIds[0]!;
    const opened = await a.service.open(anna, { entityType: 'order', entityId: id });
    if (!opened.ok) throw new Error(opened.error.message);
    const start = opened.value.version;
    const first = await a.owners.push(anna, params(id, edit('own-1', start, '[a1]')));
    expect(first).toMatchObject({
      ok: true,
      value: { results: [{ status: 'applied', version: start + 1 }] },
    });
    // Pushed at b at once, from two people: b forwards each; a commits them in arrival order.
    const answers = await Promise.all([
      b.owners.push(napa, params(id, edit('own-2', start + 1, '[b1]'))),
      b.owners.push(anna, params(id, edit('own-3', start + 1, '[b2]'))),
      a.owners.push(napa, params(id, edit('own-4', start + 1, '[a2]'))),
    ]);
    const versions = answers.map((answer) =>
      answer.ok ? (answer.value as { results: { version: number }[] }).results[0]?.version : null,
    );
    expect(versions.sort()).toEqual([start + 2, start + 3, start + 4]);
    expect(b.runs).toEqual([]);
    expect(a.runs).toEqual([id, id, id, id]);
    // A retry through the other node is answered as stored, once.
    const again = await b.owners.push(napa, params(id, edit('own-2', start + 1, '[b1]')));
    expect(again.ok && again.value).toMatchObject({ results: [{ status: 'applied' }] });
    const end = await b.service.open(anna, { entityType: 'order', entityId: id });
    expect(end.ok && end.value.version).toBe(start + 4);
    expect(end.ok && end.value.doc.notes.split('[b1]').length).toBe(2);
  });

  it('hands an order over at once on a clean shutdown', async () => {
    const a = await node('a');
    const b = await node('b');
    const id = fixture.editableOrderIds[1]!;
    const opened = await a.service.open(anna, { entityType: 'order', entityId: id });
    if (!opened.ok) throw new Error(opened.error.message);
    await a.owners.push(anna, params(id, edit('shut-1', opened.value.version, '[a]')));
    await a.owners.close();
    const answer = await b.owners.push(napa, params(id, edit('shut-2', opened.value.version + 1, '[b]')));
    expect(answer).toMatchObject({ ok: true, value: { results: [{ status: 'applied' }] } });
    expect(b.runs).toEqual([id]);
  });

  it('answers UNAVAILABLE with a pause while a dead owner holds the order, then takes it; the retry applies once', async () => {
    const a = await node('a', 600, 300);
    const b = await node('b', 600, 300);
    const id = fixture.editableOrderIds[2]!;
    const opened = await a.service.open(anna, { entityType: 'order', entityId: id });
    if (!opened.ok) throw new Error(opened.error.message);
    const start = opened.value.version;
    await a.owners.push(anna, params(id, edit('dead-1', start, '[a]')));
    a.deaf(); // a stops hearing the bus and never renews: as if it died
    const push = params(id, edit('dead-2', start + 1, '[b]'));
    const refused = await b.owners.push(napa, push);
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', details: { reason: 'owner_unreachable' } },
    });
    // The client sends the same push again after its back-off; once a's lease ran out, b takes the order.
    await expect
      .poll(
        async () => {
          const answer = await b.owners.push(napa, push);
          return answer.ok ? 'applied' : answer.error.code;
        },
        { interval: 100, timeout: 15_000 },
      )
      .toBe('applied');
    const end = await b.service.open(anna, { entityType: 'order', entityId: id });
    expect(end.ok && end.value.version).toBe(start + 2);
    expect(end.ok && end.value.doc.notes.split('[b]').length).toBe(2);
  });
  it('spreads free orders over the live nodes: each is written by the node it prefers, whichever node is pushed to', async () => {
    const live: string[] = [];
    const others = (self: () => string) => () => live.filter((id) => id !== self());
    let aId = '';
    let bId = '';
    const a = await node(
      'a',
      10_000,
      3_000,
      others(() => aId),
    );
    const b = await node(
      'b',
      10_000,
      3_000,
      others(() => bId),
    );
    aId = a.nodeId;
    bId = b.nodeId;
    live.push(aId, bId);
    const ids = spare().slice(0, 6);
    expect(ids.length).toBe(6);
    const prefers = new Map(ids.map((id) => [id, preferredOwner(id, live)]));
    // Every first push reaches a: the orders b prefers are still b's to write.
    for (const [i, id] of ids.entries()) {
      const opened = await a.service.open(anna, { entityType: 'order', entityId: id });
      if (!opened.ok) throw new Error(opened.error.message);
      const answer = await a.owners.push(anna, params(id, edit(`spread-${i}`, opened.value.version, '[s]')));
      expect(answer).toMatchObject({ ok: true, value: { results: [{ status: 'applied' }] } });
    }
    expect(a.runs.sort()).toEqual(ids.filter((id) => prefers.get(id) === aId).sort());
    expect(b.runs.sort()).toEqual(ids.filter((id) => prefers.get(id) === bId).sort());
    // And the leases say so: a push for any of them at either node runs on its owner.
    for (const id of ids) {
      const runsBefore = [...a.runs, ...b.runs].length;
      const opened = await b.service.open(napa, { entityType: 'order', entityId: id });
      if (!opened.ok) throw new Error(opened.error.message);
      await b.owners.push(napa, params(id, edit(`spread-again-${id}`, opened.value.version, '[t]')));
      expect([...a.runs, ...b.runs].length).toBe(runsBefore + 1);
      expect((prefers.get(id) === aId ? a.runs : b.runs).at(-1)).toBe(id);
    }
  });

  it('takes a free order itself when the node it prefers does not answer (dead, not yet off the list)', async () => {
    let aId = '';
    let bId = '';
    const a = await node('a', 10_000, 300, () => [bId]);
    const b = await node('b', 10_000, 300, () => [aId]);
    aId = a.nodeId;
    bId = b.nodeId;
    // An order no other test touched (nobody holds its lease); the node it prefers goes silent.
    const id = spare()[6]!;
    const [gone, asker] = preferredOwner(id, [aId, bId]) === aId ? [a, b] : [b, a];
    gone.deaf();
    const opened = await asker.service.open(anna, { entityType: 'order', entityId: id });
    if (!opened.ok) throw new Error(opened.error.message);
    const answer = await asker.owners.push(anna, params(id, edit('orphan-1', opened.value.version, '[o]')));
    expect(answer).toMatchObject({ ok: true, value: { results: [{ status: 'applied' }] } });
    expect(asker.runs).toEqual([id]);
    expect(gone.runs).toEqual([]);
  });
});
