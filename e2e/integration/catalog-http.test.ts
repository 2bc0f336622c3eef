import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/create-db';
import { customers, type Order, type Product } from '../../lib/db/schema';
import { type AppServer, type AppServerWithFixtures, startAppServerWith } from '../support/app-server';
import { insertOrder, insertProduct, seededActors } from '../support/catalog-fixtures';
import { postgresAvailable } from '../support/services';
import type { TestDbKind } from '../support/test-db';
import { openFrames } from '../support/ws-frames';

/** The parts of response bodies and frames the tests read directly (the rest is checked with toMatchObject). */
type ResponseJson = {
  id?: string;
  items?: { version: number }[];
  rows?: unknown[];
  error: { code: string; details: { fields: Record<string, string[]>; reason?: string } };
};

type Fixtures = {
  actors: Awaited<ReturnType<typeof seededActors>>;
  edited: Product;
  live: Product;
  deletable: Product;
  used: Product;
  theirs: Product;
  bulk: Product[];
  pendingOrder: Order;
  scarce: Product;
  racing: Order[];
  customerId: string;
  theirCustomerId: string;
};

async function prepare(db: Db): Promise<Fixtures> {
  const actors = await seededActors(db);
  const tenant = actors.sales.tenantId;
  const used = await insertProduct(db, tenant, { stock: 20 });
  const scarce = await insertProduct(db, tenant, { stock: 12 });
  const bulk: Product[] = [];
  for (let i = 0; i < 20; i++) bulk.push(await insertProduct(db, tenant, { stock: 10, priceMinor: 1_000 }));
  const racing: Order[] = [];
  for (let i = 0; i < 10; i++)
    racing.push(await insertOrder(db, tenant, [{ productId: scarce.id, quantity: 5 }]));
  return {
    actors,
    edited: await insertProduct(db, tenant, { stock: 10, priceMinor: 5_000 }),
    live: await insertProduct(db, tenant, { stock: 10 }),
    deletable: await insertProduct(db, tenant, { stock: 1 }),
    used,
    theirs: await insertProduct(db, actors.otherAdmin.tenantId, { stock: 3 }),
    bulk,
    pendingOrder: await insertOrder(db, tenant, [{ productId: used.id, quantity: 3 }]),
    scarce,
    racing,
    customerId: (await db.select().from(customers).where(eq(customers.tenantId, tenant)).limit(1))[0]!.id,
    theirCustomerId: (
      await db.select().from(customers).where(eq(customers.tenantId, actors.otherAdmin.tenantId)).limit(1)
    )[0]!.id,
  };
}

function catalogHttp(kind: TestDbKind) {
  let server: AppServer;
  let fx: Fixtures;
  let app: AppServerWithFixtures<Fixtures>;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    app = await startAppServerWith(kind, prepare);
    ({ server, fixtures: fx } = app);
    Object.assign(cookies, app.cookies);
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  const call = async (method: string, route: string, as?: string, body?: unknown, raw?: string) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (as) headers.cookie = cookies[as]!;
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers,
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await response.text();
    return { status: response.status, json: (text ? JSON.parse(text) : null) as ResponseJson };
  };

  it('refuses requests without a session (401) and keeps the error body shape', async () => {
    const anonymous = await call('GET', `/api/products/${fx.edited.id}`);
    expect(anonymous).toMatchObject({ status: 401, json: { error: { code: 'UNAUTHORIZED' } } });
    expect((await call('POST', '/api/products', undefined, {})).status).toBe(401);
    const forged = await fetch(`${server.url}/api/customers`, { headers: { cookie: 'osl_session=forged' } });
    expect(forged.status).toBe(401);
  });

  it('creates a product (201), validates fields (400), refuses viewers (403), bad JSON (400) and huge bodies (413)', async () => {
    const created = await call('POST', '/api/products', 'sales', {
      sku: 'HTTP-1',
      name: 'Via REST',
      priceMinor: 990,
      stock: 5,
    });
    expect(created).toMatchObject({ status: 201, json: { sku: 'HTTP-1', version: 1, available: 5 } });
    expect(created.json).not.toHaveProperty('tenantId');
    const invalid = await call('POST', '/api/products', 'sales', { sku: '', priceMinor: 'free' });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error.code).toBe('VALIDATION');
    expect(Object.keys(invalid.json.error.details.fields)).toEqual(
      expect.arrayContaining(['sku', 'name', 'priceMinor']),
    );
    expect(
      await call('POST', '/api/products', 'viewer', { sku: 'V-1', name: 'No', priceMinor: 1 }),
    ).toMatchObject({
      status: 403,
      json: { error: { code: 'FORBIDDEN' } },
    });
    expect(await call('POST', '/api/products', 'sales', undefined, '{"sku": ')).toMatchObject({
      status: 400,
      json: { error: { code: 'VALIDATION' } },
    });
    // Half an emoji (a lone surrogate escape) is valid JSON that PostgreSQL refuses: malformed here, nothing stored.
    const halfEmoji = '{"sku":"HALF-1","name":"Cup \\ud83d","priceMinor":1}';
    expect(await call('POST', '/api/products', 'sales', undefined, halfEmoji)).toMatchObject({
      status: 400,
      json: { error: { code: 'VALIDATION' } },
    });
    expect((await call('GET', '/api/products?q=HALF-1', 'sales')).json.rows).toEqual([]);
    const huge = await call('POST', '/api/products', 'sales', {
      sku: 'BIG',
      name: 'x',
      priceMinor: 1,
      description: 'x'.repeat(200_000),
    });
    expect(huge).toMatchObject({ status: 413, json: { error: { code: 'PAYLOAD_TOO_LARGE' } } });
    expect(
      (await call('POST', '/api/products', 'admin', { sku: 'HTTP-1', name: 'Again', priceMinor: 1 })).status,
    ).toBe(409);
  });

  it("answers another tenant's product and malformed ids as 404", async () => {
    expect(await call('GET', `/api/products/${fx.theirs.id}`, 'admin')).toMatchObject({
      status: 404,
      json: { error: { code: 'NOT_FOUND' } },
    });
    expect(
      (
        await call('PATCH', `/api/products/${fx.theirs.id}`, 'admin', {
          expectedVersion: 1,
          changes: { stock: 0 },
        })
      ).status,
    ).toBe(404);
    expect((await call('DELETE', `/api/products/${fx.theirs.id}`, 'admin')).status).toBe(404);
    expect((await call('GET', '/api/products/not-an-id', 'admin')).status).toBe(404);
    expect(await call('GET', `/api/products/${fx.theirs.id}`, 'otherAdmin')).toMatchObject({
      status: 200,
      json: { id: fx.theirs.id, stock: 3 },
    });
  });

  it('edits with the expected version (200) and refuses a stale one (409)', async () => {
    const edited = await call('PATCH', `/api/products/${fx.edited.id}`, 'sales', {
      expectedVersion: 1,
      changes: { priceMinor: 5_500 },
    });
    expect(edited).toMatchObject({
      status: 200,
      json: {
        product: { version: 2, priceMinor: 5_500 },
        changes: { priceMinor: { before: 5_000, after: 5_500 } },
      },
    });
    const stale = await call('PATCH', `/api/products/${fx.edited.id}`, 'sales2', {
      expectedVersion: 1,
      changes: { name: 'Late' },
    });
    expect(stale).toMatchObject({
      status: 409,
      json: { error: { code: 'STALE_VERSION', details: { currentVersion: 2 } } },
    });
    expect(
      (
        await call('PATCH', `/api/products/${fx.edited.id}`, 'viewer', {
          expectedVersion: 2,
          changes: { name: 'No' },
        })
      ).status,
    ).toBe(403);
  });

  it('deletes (200, then 404) and refuses a product on an order (422)', async () => {
    expect(await call('DELETE', `/api/products/${fx.deletable.id}?expectedVersion=1`, 'admin')).toMatchObject(
      { status: 200, json: { id: fx.deletable.id } },
    );
    expect((await call('GET', `/api/products/${fx.deletable.id}`, 'admin')).status).toBe(404);
    expect(await call('DELETE', `/api/products/${fx.used.id}`, 'admin')).toMatchObject({
      status: 422,
      json: { error: { details: { reason: 'in_use' } } },
    });
  });

  it('bulk-updates 20 products in one call and refuses more than 500 ids (413)', async () => {
    const ids = fx.bulk.map((p) => p.id);
    const result = await call('POST', '/api/products/bulk', 'sales', {
      ids,
      operation: { kind: 'stock_adjust', delta: 5 },
    });
    expect(result).toMatchObject({ status: 200, json: { count: 20 } });
    expect(result.json.items?.every((i) => i.version === 2)).toBe(true);
    const tooMany = Array.from({ length: 501 }, () => crypto.randomUUID());
    expect(
      await call('POST', '/api/products/bulk', 'sales', {
        ids: tooMany,
        operation: { kind: 'stock_adjust', delta: 1 },
      }),
    ).toMatchObject({
      status: 413,
    });
    expect(
      (
        await call('POST', '/api/products/bulk', 'viewer', {
          ids,
          operation: { kind: 'stock_adjust', delta: 1 },
        })
      ).status,
    ).toBe(403);
  });

  it('lists, creates and edits customers within the tenant', async () => {
    const address = { line1: '9 Rama IV', city: 'Bangkok', postalCode: '10330', country: 'TH' };
    const created = await call('POST', '/api/customers', 'sales', {
      name: 'REST Customer',
      email: 'rest@example.com',
      address,
    });
    expect(created).toMatchObject({ status: 201, json: { version: 1 } });
    const id = created.json.id!;
    expect((await call('POST', '/api/customers', 'sales', { name: 'x', email: 'bad', address })).status).toBe(
      400,
    );
    const list = await call('GET', '/api/customers?q=REST%20Customer&pageSize=5', 'viewer');
    expect(list).toMatchObject({ status: 200, json: { total: 1, items: [{ id }] } });
    expect(
      await call('PATCH', `/api/customers/${id}`, 'admin', {
        expectedVersion: 1,
        changes: { company: 'REST Co' },
      }),
    ).toMatchObject({
      status: 200,
      json: { customer: { version: 2, company: 'REST Co' } },
    });
    expect((await call('GET', `/api/customers/${id}`, 'otherAdmin')).status).toBe(404);
    expect(
      (
        await call('PATCH', `/api/customers/${id}`, 'viewer', {
          expectedVersion: 2,
          changes: { company: 'x' },
        })
      ).status,
    ).toBe(403);
  });

  it('changes order status, refuses invalid transitions and never oversells under parallel requests', async () => {
    const skip = await call('POST', `/api/orders/${fx.pendingOrder.id}/status`, 'sales', {
      status: 'delivered',
    });
    expect(skip).toMatchObject({
      status: 409,
      json: { error: { code: 'CONFLICT', details: { reason: 'invalid_transition' } } },
    });
    const confirmed = await call('POST', `/api/orders/${fx.pendingOrder.id}/status`, 'sales', {
      status: 'confirmed',
      expectedVersion: 1,
    });
    expect(confirmed).toMatchObject({
      status: 200,
      json: {
        order: { status: 'confirmed', version: 2 },
        stock: [{ productId: fx.used.id, reserved: 3, available: 17 }],
      },
    });
    const results = await Promise.all(
      fx.racing.map((o) => call('POST', `/api/orders/${o.id}/status`, 'sales', { status: 'confirmed' })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(2);
    expect(
      results.filter((r) => r.status === 409 && r.json.error.details.reason === 'insufficient_stock'),
    ).toHaveLength(8);
    expect(await call('GET', `/api/products/${fx.scarce.id}`, 'viewer')).toMatchObject({
      json: { stock: 12, reserved: 10 },
    });
    expect(
      (await call('POST', `/api/orders/${fx.pendingOrder.id}/status`, 'otherAdmin', { status: 'cancelled' }))
        .status,
    ).toBe(404);
  });

  it('creates a draft order (201) and refuses anonymous (401), viewers (403), bad input (400) and other tenants (404)', async () => {
    const lines = [{ productId: fx.used.id, quantity: 2 }];
    expect((await call('POST', '/api/orders', undefined, { customerId: fx.customerId, lines })).status).toBe(
      401,
    );
    expect(await call('POST', '/api/orders', 'viewer', { customerId: fx.customerId, lines })).toMatchObject({
      status: 403,
      json: { error: { code: 'FORBIDDEN' } },
    });
    const invalid = await call('POST', '/api/orders', 'sales', { customerId: fx.customerId, lines: [] });
    expect(invalid).toMatchObject({ status: 400, json: { error: { code: 'VALIDATION' } } });
    expect(Object.keys(invalid.json.error.details.fields)).toEqual(['lines']);
    expect(await call('POST', '/api/orders', 'sales', undefined, '{"customerId": ')).toMatchObject({
      status: 400,
      json: { error: { code: 'VALIDATION' } },
    });
    expect(
      await call('POST', '/api/orders', 'sales', { customerId: fx.theirCustomerId, lines }),
    ).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
    expect(
      await call('POST', '/api/orders', 'sales', {
        customerId: fx.customerId,
        lines: [{ productId: fx.theirs.id, quantity: 1 }],
      }),
    ).toMatchObject({
      status: 422,
      json: { error: { code: 'VALIDATION', details: { reason: 'unknown_products' } } },
    });
    const viewer = await openFrames(server.url, cookies.viewer!);
    try {
      expect(await viewer.subscribe('orders')).toMatchObject({ type: 'subscribed' });
      const created = await call('POST', '/api/orders', 'sales', {
        customerId: fx.customerId,
        lines,
        notes: 'REST',
      });
      expect(created).toMatchObject({ status: 201, json: { status: 'draft', itemCount: 2, version: 1 } });
      const event = await viewer.next(
        (f) => f.type === 'event' && f.event === 'order.created' && f.data?.id === created.json.id,
      );
      expect(event).toMatchObject({
        channel: 'orders',
        data: {
          order: { id: created.json.id, status: 'draft', itemCount: 2 },
          actor: { id: fx.actors.sales.id },
        },
      });
      const listed = await call('GET', '/api/orders?status=draft&pageSize=100', 'viewer');
      expect(JSON.stringify(listed.json)).toContain(String(created.json.id));
    } finally {
      viewer.close();
    }
  });

  describe('through the hub', () => {
    it('delivers product.updated to a WebSocket subscriber of `products` after a PATCH', async () => {
      const viewer = await openFrames(server.url, cookies.viewer!);
      try {
        expect(await viewer.subscribe('products')).toMatchObject({ type: 'subscribed' });
        const patched = await call('PATCH', `/api/products/${fx.live.id}`, 'admin', {
          expectedVersion: 1,
          changes: { name: 'Live name' },
        });
        expect(patched.status).toBe(200);
        const event = await viewer.next(
          (f) => f.type === 'event' && f.event === 'product.updated' && f.data?.id === fx.live.id,
        );
        expect(event).toMatchObject({
          channel: 'products',
          data: { version: 2, changes: { name: { after: 'Live name' } }, actor: { id: fx.actors.admin.id } },
        });
      } finally {
        viewer.close();
      }
    });
  });
}

describe('catalog REST API: built server on PGlite', () => catalogHttp('pglite'));
describe.runIf(await postgresAvailable())('catalog REST API: built server on PostgreSQL', () =>
  catalogHttp('postgres'),
);
