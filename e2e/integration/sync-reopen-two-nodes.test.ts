import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSyncedOrder } from '../../lib/db/queries/order-writes';
import { createDurableOutbox } from '../../lib/sync/client/durable-outbox';
import { createMemoryOutboxStore } from '../../lib/sync/client/outbox-store';
import { createRealtimeSyncManager } from '../../lib/sync/client/realtime-sync-manager';
import { createMemoryTabLocks } from '../../lib/sync/client/tab-locks';
import { defaultOrderPolicy, type OrderPolicy } from '../../lib/sync/policy';
import { toDoc } from '../../lib/sync/service/order-entity';
import { insertOrder } from '../support/catalog-fixtures';
import { HoldingProxy } from '../support/holding-proxy';
import {
  type FuzzCluster,
  plainManager,
  readHistory,
  startFuzzCluster,
  twoNodesAvailable,
} from '../support/sync-fuzz';
import { FuzzClient, type ManagerFactory } from '../support/sync-fuzz/client';

/**
 * A push sent to one node just before the page reloads, replayed from the durable outbox through the other node.
 * Found as "a push sent just before a reopen can be applied twice when the reconnect lands on the other node":
 * the open on node B answered before node A committed the push, so the client carried the edit over under a new
 * id, and node A then applied the original as well (it looked its id up before it held the order's row).
 */
const wait = { timeout: 60_000, interval: 50 };

describe.runIf(await twoNodesAvailable())('a reopen on the other node (PostgreSQL + Redis)', () => {
  let cluster: FuzzCluster;
  let proxy: HoldingProxy;
  beforeAll(async () => {
    cluster = await startFuzzCluster(2);
    proxy = new HoldingProxy({ host: '127.0.0.1', port: cluster.servers[0]!.port });
    await proxy.start();
  });
  afterAll(async () => {
    await proxy?.stop();
    await cluster?.close();
  });

  it.each([
    { notes: 'operational-transform' as const, lines: 'last-write-wins' as const },
    { notes: 'crdt' as const, lines: 'crdt' as const },
    { notes: 'last-write-wins' as const, lines: 'last-write-wins' as const },
  ])(
    'applies a push held on its way to node A once, after the reload reopened on node B ($notes notes)',
    async ({ notes, lines }) => {
      const policy: OrderPolicy = { ...defaultOrderPolicy, notes, lines };
      const order = await insertOrder(
        cluster.database.db,
        cluster.tenantId,
        [{ productId: cluster.productIds[0]!, quantity: 1 }],
        'draft',
      );
      // Node A is reached through the proxy; each client's next connection goes to the node chosen here.
      const route = {
        ...cluster,
        urlFor: (i: number) => (i === 0 ? proxy.url(cluster.urlFor(0)) : cluster.urlFor(1)),
      };
      let node = 0;
      let n = 0;
      const store = createMemoryOutboxStore();
      const tabLocks = createMemoryTabLocks();
      const withOutbox: ManagerFactory = (options, context) =>
        createRealtimeSyncManager({
          ...options,
          outbox: createDurableOutbox({
            store,
            locks: tabLocks,
            entityId: context.entityId,
            userId: context.userId,
          }),
        });
      const client = (
        index: number,
        person: FuzzCluster['admin'],
        createManager: ManagerFactory,
        pick: () => number,
      ) =>
        new FuzzClient(index, person, {
          cluster: route,
          entityId: order.id,
          random: () => pick() / 2,
          newId: () => `${notes}-${index}-${++n}`,
          createManager,
          observe: () => {},
        });
      const admin = client(9, cluster.admin, plainManager, () => 1);
      await admin.open();
      await expect.poll(() => admin.connected, wait).toBe(true);
      expect((await admin.rpc('policy.set', { entityType: 'order', sections: policy })).ok).toBe(true);
      const anna = client(0, cluster.editors[0]!, withOutbox, () => node);
      await anna.open();
      const synced = () =>
        [anna, admin].every((c) => c.manager.isSettled() && c.manager.getSnapshot().syncState === 'synced') &&
        anna.manager.getSnapshot().version === admin.manager.getSnapshot().version;
      await expect.poll(synced, wait).toBe(true);
      expect(anna.manager.getSnapshot().policy).toEqual(policy);

      // Anna's edit goes out to node A and is held on the way; her outbox has it as sent.
      proxy.hold();
      const marker = `{${notes}.once} ส่ง 🇹🇭`;
      const line = { id: crypto.randomUUID(), productId: cluster.productIds[1]!, quantity: 3 };
      anna.manager.pushChange('notes', `${anna.manager.getSnapshot().doc!.notes} ${marker}`);
      anna.manager.addLine(line);
      const sentIds = async () =>
        (await store.load(order.id, anna.person.id))
          .flatMap((r) => r.changes.filter((c) => c.sent))
          .map((c) => c.clientChangeId);
      await expect.poll(async () => (await sentIds()).length, wait).toBeGreaterThan(0);
      const held = await sentIds();

      // The page reloads; the next page reaches node B, which opens the order before node A sees the push.
      node = 1;
      await anna.reload();
      await expect
        .poll(() => synced() && anna.manager.getSnapshot().doc!.notes.includes(marker), wait)
        .toBe(true);

      // Now the held push reaches node A.
      proxy.release();
      await expect.poll(() => held.every((id) => proxy.heard(`"${id}"`)), wait).toBe(true);
      await expect.poll(synced, wait).toBe(true);

      const row = await loadSyncedOrder(cluster.database.db, cluster.tenantId, order.id);
      const saved = toDoc(row!);
      expect(saved.notes.split(marker).length - 1, saved.notes).toBe(1);
      expect(saved.lines.filter((l) => l.id === line.id)).toHaveLength(1);
      const history = (await readHistory(cluster.database.db, order.id)).changes;
      expect(
        history.filter(
          (r) => JSON.stringify(r.after).includes('.once}') && !JSON.stringify(r.before).includes('.once}'),
        ),
      ).toHaveLength(1);
      expect(anna.manager.getSnapshot().doc).toEqual(saved);
      expect(admin.manager.getSnapshot().doc).toEqual(saved);
      for (const c of [anna, admin]) await c.close();
    },
  );
});
