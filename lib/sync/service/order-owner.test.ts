import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../../../e2e/support/services';
import { createTestDatabase, type TestDatabase } from '../../../e2e/support/test-db';
import type { PushedChange, SyncParams } from '../protocol';
import type { SyncContext } from './context';
import { createMemoryLockStore } from './locks/memory-lock-store';
import { createOrderOwners, type OrderOwners, type OwnerBus } from './order-owner';
import { createSyncService } from './sync-service';
import { createEventSink, loadSyncFixture } from './testing';

const withRedis = await redisAvailable();
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

  async function node(name: string, leaseMs = 10_000, timeoutMs = 3_000) {
    const service = createSyncService({
      database,
      locks: createMemoryLockStore(),
      publish: createEventSink().publish,
    });
    const runs: string[] = [];
    const { bus, ready, deaf } = redisBus();
    const owners = createOrderOwners({
      redis: redis(),
      prefix,
      nodeId: `${name}-${randomUUID().slice(0, 6)}`,
      bus,
      leaseMs,
      timeoutMs,
      run: (ctx, params) => {
        runs.push(params.entityId);
        return service.push(ctx, params);
      },
    });
    routers.push(owners);
    await ready();
    return { service, owners, runs, deaf };
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
});
