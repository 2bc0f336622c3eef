import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/create-db';
import type { Order } from '../../lib/db/schema';
import { type AppServerWithFixtures, startAppServerWith } from '../support/app-server';
import { insertOrder, insertProduct, seededActors } from '../support/catalog-fixtures';

type Fixtures = { actors: Awaited<ReturnType<typeof seededActors>>; order: Order };

async function prepare(db: Db): Promise<Fixtures> {
  const actors = await seededActors(db);
  const product = await insertProduct(db, actors.sales.tenantId, { stock: 10 });
  const order = await insertOrder(db, actors.sales.tenantId, [{ productId: product.id, quantity: 1 }]);
  return { actors, order };
}

/**
 * The custom server (dist/server.mjs) imports Yjs for the sync service, and Next's server chunks (the order page's
 * server render, the order routes) use it too. They must share the one copy in node_modules (next.config.mjs lists
 * `yjs` in serverExternalPackages): a second copy breaks Yjs's constructor checks and makes Yjs print a warning.
 */
describe('the production server loads one copy of Yjs', () => {
  let app: AppServerWithFixtures<Fixtures>;

  beforeAll(async () => {
    app = await startAppServerWith('pglite', prepare);
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('renders the order page and commits a status change without the "already imported" warning', async () => {
    const { order } = app.fixtures;
    const page = await fetch(`${app.server.url}/orders/${order.id}`, {
      headers: { cookie: app.cookies.sales! },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(order.number);

    const changed = await fetch(`${app.server.url}/api/orders/${order.id}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: app.cookies.sales! },
      body: JSON.stringify({ status: 'confirmed', expectedVersion: order.version }),
    });
    expect(changed.status).toBe(200);

    expect(app.server.output()).toContain('"msg":"listening"');
    expect(app.server.output()).not.toMatch(/Yjs was already imported/);
  });
});
