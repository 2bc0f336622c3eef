import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Db } from '../../lib/db/create-db';
import type { Order, Product } from '../../lib/db/schema';
import { createRpcTransport } from '../../lib/realtime/client';
import type { SocketLike } from '../../lib/realtime/client/environment';
import { WebSocketClient } from '../../lib/realtime/client/websocket-client';
import {
  createRealtimeSyncManager,
  type RealtimeSyncManager,
} from '../../lib/sync/client/realtime-sync-manager';
import type { SyncClientTransport } from '../../lib/sync/client/transport';
import { type AppServerWithFixtures, startAppServerWith } from '../support/app-server';
import { insertOrder, insertProduct, seededActors } from '../support/catalog-fixtures';
import { postgresAvailable } from '../support/services';
import type { TestDbKind } from '../support/test-db';

type Fixtures = {
  actors: Awaited<ReturnType<typeof seededActors>>;
  plenty: Product;
  scarce: Product;
  watched: Order;
  locked: Order;
  short: Order;
};

async function prepare(db: Db): Promise<Fixtures> {
  const actors = await seededActors(db);
  const tenant = actors.sales.tenantId;
  const plenty = await insertProduct(db, tenant, { stock: 20 });
  const scarce = await insertProduct(db, tenant, { stock: 1 });
  return {
    actors,
    plenty,
    scarce,
    watched: await insertOrder(db, tenant, [{ productId: plenty.id, quantity: 2 }]),
    locked: await insertOrder(db, tenant, [{ productId: plenty.id, quantity: 1 }]),
    short: await insertOrder(db, tenant, [{ productId: scarce.id, quantity: 3 }]),
  };
}

type Seen = { channel: string; event: string; data: unknown };

/**
 * The orders list's status change (`POST /api/orders/{id}/status`) on the built server goes through the sync engine:
 * it is in the order's history, an open editor hears it as `sync.change`, and the status lock is respected.
 */
function orderStatusHttp(kind: TestDbKind) {
  let app: AppServerWithFixtures<Fixtures>;
  let fx: Fixtures;
  const clients: WebSocketClient[] = [];
  const managers: RealtimeSyncManager[] = [];

  beforeAll(async () => {
    app = await startAppServerWith(kind, prepare);
    fx = app.fixtures;
  }, 300_000);
  afterAll(async () => {
    for (const manager of managers) await manager.stopSync().catch(() => undefined);
    for (const client of clients) client.destroy();
    await app?.stop();
  });

  const post = async (orderId: string, as: string, body: unknown) => {
    const response = await fetch(`${app.server.url}/api/orders/${orderId}/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: app.cookies[as]! },
      body: JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const get = async (orderId: string) => {
    const response = await fetch(`${app.server.url}/api/orders/${orderId}`, {
      headers: { cookie: app.cookies.viewer! },
    });
    return (await response.json()) as { status: string; version: number };
  };

  /** An order editor over a real WebSocket, with every event its transport delivers kept for the test. */
  async function editor(as: 'sales' | 'sales2', orderId: string) {
    const cookie = app.cookies[as]!;
    const client = new WebSocketClient({
      url: `${app.server.url.replace(/^http/, 'ws')}/ws?v=1`,
      createSocket: (url) =>
        new WebSocket(url, { headers: { cookie }, origin: app.server.url }) as unknown as SocketLike,
    });
    clients.push(client);
    const seen: Seen[] = [];
    const waiters: { test: (s: Seen) => boolean; resolve: (s: Seen) => void }[] = [];
    const base = createRpcTransport(client);
    const transport: SyncClientTransport = {
      ...base,
      subscribe: (channel, listener) =>
        base.subscribe(channel, (event, data) => {
          const entry = { channel, event, data };
          seen.push(entry);
          for (const w of [...waiters])
            if (w.test(entry)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(entry);
            }
          listener(event, data);
        }),
    };
    const next = (test: (s: Seen) => boolean) =>
      new Promise<Seen>((resolve) => {
        const already = seen.find(test);
        if (already) resolve(already);
        else waiters.push({ test, resolve });
      });
    const user = fx.actors[as];
    const manager = createRealtimeSyncManager({
      transport,
      entityId: orderId,
      user: { id: user.id, name: user.name },
    });
    managers.push(manager);
    const opened = new Promise<void>((resolve) => {
      const off = client.on('state', (state) => {
        if (state.status !== 'open') return;
        off();
        resolve();
      });
    });
    client.connect();
    await opened;
    await manager.startSync();
    expect(manager.getSnapshot().syncState).toBe('synced');
    return { manager, transport, next };
  }

  it('is committed as a sync change: in the history with the new version, heard by an open editor', async () => {
    const anna = await editor('sales', fx.watched.id);
    expect(anna.manager.getSnapshot()).toMatchObject({ version: 1, doc: { status: 'pending' } });
    const heard = anna.next((s) => s.event === 'sync.change' && s.channel === `order:${fx.watched.id}`);
    const changed = await post(fx.watched.id, 'sales2', { status: 'confirmed', expectedVersion: 1 });
    expect(changed).toMatchObject({
      status: 200,
      json: {
        order: { id: fx.watched.id, number: fx.watched.number, status: 'confirmed', version: 2 },
        changes: { status: { before: 'pending', after: 'confirmed' }, version: { before: 1, after: 2 } },
        stock: [{ productId: fx.plenty.id, stock: 20, reserved: 2, available: 18 }],
      },
    });
    expect((await heard).data).toMatchObject({
      version: 2,
      field: 'status',
      userId: fx.actors.sales2.id,
      op: { type: 'set', value: 'confirmed' },
    });
    // The editor took it in order: its version follows the server's, no reload.
    await anna.next((s) => s.event === 'order.status_changed' && s.channel === `order:${fx.watched.id}`);
    expect(anna.manager.getSnapshot()).toMatchObject({ version: 2, doc: { status: 'confirmed' } });
    const history = await anna.transport.rpc<{ items: Record<string, unknown>[] }>('sync.history', {
      entityType: 'order',
      entityId: fx.watched.id,
      field: 'status',
      limit: 10,
    });
    expect(history).toMatchObject({
      ok: true,
      result: {
        items: [
          { version: 2, field: 'status', before: 'pending', after: 'confirmed', userId: fx.actors.sales2.id },
        ],
      },
    });
    // A stale expectedVersion is still refused.
    expect(await post(fx.watched.id, 'sales2', { status: 'shipped', expectedVersion: 1 })).toMatchObject({
      status: 409,
      json: { error: { code: 'STALE_VERSION', details: { currentVersion: 2 } } },
    });
  });

  it('is refused with 409 LOCKED naming the holder while someone else holds the status lock', async () => {
    const anna = await editor('sales', fx.locked.id);
    expect((await anna.manager.acquireLock('status')).ok).toBe(true);
    const refused = await post(fx.locked.id, 'sales2', { status: 'confirmed' });
    expect(refused).toMatchObject({
      status: 409,
      json: {
        error: {
          code: 'LOCKED',
          details: { holder: { userId: fx.actors.sales.id, userName: fx.actors.sales.name } },
        },
      },
    });
    expect(await get(fx.locked.id)).toMatchObject({ status: 'pending', version: 1 });
    // Once the lock is free the list may change it, and leaves no lock behind: the editor can take it again.
    await anna.manager.releaseLock('status');
    expect(await post(fx.locked.id, 'sales2', { status: 'confirmed' })).toMatchObject({
      status: 200,
      json: { order: { status: 'confirmed', version: 2 } },
    });
    expect(
      await anna.transport.rpc('lock.acquire', {
        entityType: 'order',
        entityId: fx.locked.id,
        section: 'status',
      }),
    ).toMatchObject({ ok: true, result: { lease: { userId: fx.actors.sales.id } } });
    await anna.manager.releaseLock('status');
  });

  it('still answers 409 with details for missing stock and a transition the table does not allow', async () => {
    expect(await post(fx.short.id, 'sales', { status: 'confirmed' })).toMatchObject({
      status: 409,
      json: {
        error: {
          code: 'CONFLICT',
          details: {
            reason: 'insufficient_stock',
            items: [{ productId: fx.scarce.id, sku: fx.scarce.sku, requested: 3, available: 1 }],
          },
        },
      },
    });
    expect(await post(fx.short.id, 'sales', { status: 'delivered' })).toMatchObject({
      status: 409,
      json: {
        error: {
          code: 'CONFLICT',
          details: {
            reason: 'invalid_transition',
            from: 'pending',
            to: 'delivered',
            allowed: ['confirmed', 'cancelled'],
          },
        },
      },
    });
    expect(await get(fx.short.id)).toMatchObject({ status: 'pending', version: 1 });
  });

  // The custom server imports Yjs for the sync service, and Next's server chunks (the order page's server render, the
  // order routes used above) use it too. They must share the one copy in node_modules (`yjs` in next.config.mjs's
  // serverExternalPackages): with a second copy Yjs's constructor checks break and Yjs prints a warning.
  it('runs on one copy of Yjs: the order page renders and the output has no "already imported" warning', async () => {
    const page = await fetch(`${app.server.url}/orders/${fx.watched.id}`, {
      headers: { cookie: app.cookies.sales! },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(fx.watched.number);
    expect(app.server.output()).toContain('"msg":"listening"');
    expect(app.server.output()).not.toMatch(/Yjs was already imported/);
  });
}

describe('order status REST through sync: built server on PGlite', () => orderStatusHttp('pglite'));
describe.runIf(await postgresAvailable())('order status REST through sync: built server on PostgreSQL', () =>
  orderStatusHttp('postgres'),
);
