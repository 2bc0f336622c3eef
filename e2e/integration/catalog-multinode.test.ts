import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order, Product } from '../../lib/db/schema';
import { type AppServer, startAppServer } from '../support/app-server';
import { insertOrder, insertProduct, seededActors } from '../support/catalog-fixtures';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { openFrames } from '../support/ws-frames';
import { deleteKeys } from './realtime-cluster-support';
import { uniquePrefix } from './realtime-helpers';

const available = (await postgresAvailable()) && (await redisAvailable());

/** Two built app processes on one PostgreSQL and one Redis: a REST write on one reaches a socket on the other. */
describe.runIf(available)('catalog events across two processes (PostgreSQL + Redis)', () => {
  let database: TestDatabase;
  let prefix: string;
  let a: AppServer;
  let b: AppServer;
  let product: Product;
  let order: Order;
  let actors: Awaited<ReturnType<typeof seededActors>>;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    actors = await seededActors(database.db);
    product = await insertProduct(database.db, actors.sales.tenantId, { stock: 9 });
    order = await insertOrder(database.db, actors.sales.tenantId, [{ productId: product.id, quantity: 4 }]);
    prefix = uniquePrefix();
    const secret = randomBytes(32).toString('hex');
    const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
    a = await startAppServer({ databaseUrl: database.databaseUrl!, secret, env });
    b = await startAppServer({ databaseUrl: database.databaseUrl!, secret, env });
  }, 300_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
    if (prefix) await deleteKeys(TEST_REDIS_URL, prefix);
  });

  it('delivers product, inventory and order events published on node A to a subscriber on node B', async () => {
    const viewer = await openFrames(b.url, await b.cookieFor(actors.viewer));
    try {
      for (const channel of ['products', 'inventory', 'orders', `product:${product.id}`])
        expect(await viewer.subscribe(channel)).toMatchObject({ type: 'subscribed' });
      const cookie = await a.cookieFor(actors.sales);
      const patch = await fetch(`${a.url}/api/products/${product.id}`, {
        method: 'PATCH',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ expectedVersion: 1, changes: { name: 'Across nodes' } }),
      });
      expect(patch.status).toBe(200);
      const updated = await viewer.next((f) => f.event === 'product.updated' && f.channel === 'products');
      expect(updated.data).toMatchObject({ id: product.id, version: 2, actor: { id: actors.sales.id } });
      await viewer.next((f) => f.event === 'product.updated' && f.channel === `product:${product.id}`);

      const confirm = await fetch(`${a.url}/api/orders/${order.id}/status`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'confirmed' }),
      });
      expect(confirm.status).toBe(200);
      const status = await viewer.next((f) => f.event === 'order.status_changed' && f.channel === 'orders');
      expect(status.data).toMatchObject({ id: order.id, from: 'pending', to: 'confirmed' });
      const stock = await viewer.next((f) => f.event === 'stock.changed' && f.channel === 'inventory');
      expect(stock.data).toMatchObject({
        items: [{ productId: product.id, stock: 9, reserved: 4, available: 5, version: 3 }],
      });
    } finally {
      viewer.close();
    }
  });
});
