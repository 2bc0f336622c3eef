import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDb } from '../../lib/db/create-db';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { customers, orders, products } from '../../lib/db/schema';
import { type RunningServer, startServer } from '../../lib/server/start';
import { encodeActionArgs } from '../support/action-reply';
import { type AppServer, appDirectory, startAppServer } from '../support/app-server';
import { postgresAvailable, redisAvailable, TEST_POSTGRES_URL } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { freePort, ScratchRedis } from './realtime-cluster-support';
import { sessionCookie, TEST_SECRET, TestClient, testEnv, wsUrl } from './realtime-helpers';
import { restAttacks, type SweepIds } from './tenant-sweep-attacks';
import { generateParams, type IdKind } from './tenant-sweep-params';
import { apiRoutes, builtActions, segmentKind } from './tenant-sweep-surface';

const withPostgres = await postgresAvailable();
const withRedis = await redisAvailable();

type Own = { order: string; product: string; customer: string; self: string };

/** How a WebSocket upgrade is answered: opened, or refused with an HTTP status and the body's error code. */
function upgradeAnswer(url: string, cookie: string): Promise<{ status: number; code?: string } | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie } });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => {
        const parsed = JSON.parse(body || '{}') as { error?: { code?: string } };
        resolve({
          status: response.statusCode ?? 0,
          ...(parsed.error?.code ? { code: parsed.error.code } : {}),
        });
      });
    });
    ws.once('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

/** Every RPC with the caller's own ids (the tenant sweep's generator), answered while a backend is down. */
async function everyRpc(node: RunningServer, client: TestClient, own: Own) {
  const idOf = (kind: IdKind) =>
    kind === 'order'
      ? own.order
      : kind === 'product'
        ? own.product
        : kind === 'user'
          ? own.self
          : own.customer;
  const answers: { method: string; code: string }[] = [];
  for (const { method, schema } of node.services.realtime.hub.rpcMethods()) {
    const params = generateParams(method, schema, idOf, new Set());
    const started = Date.now();
    const answer = await client.request({ type: 'rpc', method, params });
    if (process.env.FAULTS_DEBUG) process.stderr.write(`${method} ${Date.now() - started}ms\n`);
    answers.push({ method, code: answer.type === 'ack' && !answer.ok ? answer.error.code : 'ok' });
  }
  return answers;
}

/**
 * Faults answered by the catalog. The database of the servers here is a PostgreSQL database of the test's own,
 * reached through a TCP proxy the test stops (the machine's PostgreSQL keeps running), and its backends are
 * terminated with pg_terminate_backend; Redis is a scratch redis-server the test kills. Every path answers
 * UNAVAILABLE (503 over HTTP) while a backend it needs is down, nothing answers INTERNAL, a lost database connection
 * raises no uncaught exception, and everything works again once the backend is back.
 */
describe.skipIf(!withPostgres)('faults: the database goes away', () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let node: RunningServer;
  let app: AppServer;
  let cookie: string;
  let own: Own;
  const uncaught: unknown[] = [];
  const onUncaught = (error: unknown) => uncaught.push(error);

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const target = new URL(TEST_POSTGRES_URL);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.start();
    const url = proxy.url(database.databaseUrl!);
    node = await startServer({
      env: testEnv(),
      withNext: false,
      database: await createDb({ databaseUrl: url }),
    });
    app = await startAppServer({ databaseUrl: url, secret: TEST_SECRET });
    cookie = await sessionCookie(database, 'anna@siam.example');
    const anna = (await findUserForSignIn(database.db, 'anna@siam.example'))!;
    const [order] = await database.db.select().from(orders).where(sql`${orders.tenantId} = ${anna.tenantId}`);
    const [product] = await database.db
      .select()
      .from(products)
      .where(sql`${products.tenantId} = ${anna.tenantId}`);
    const [customer] = await database.db
      .select()
      .from(customers)
      .where(sql`${customers.tenantId} = ${anna.tenantId}`);
    own = { order: order!.id, product: product!.id, customer: customer!.id, self: anna.id };
    process.on('uncaughtException', onUncaught);
  }, 300_000);

  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await proxy?.start().catch(() => {});
    await app?.stop();
    await node?.close();
    await proxy?.stop();
    await database?.drop();
  });

  it('survives its database connections being terminated mid-query, without an uncaught exception', async () => {
    const db = node.services.database.db;
    await db.execute(sql`select 1`);
    // Settled as they end, so their (expected) rejections are handled at once.
    const inFlight = [
      db.execute(sql`select pg_sleep(30)`),
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_sleep(30)`);
      }),
    ].map((query) =>
      query.then(
        () => 'finished',
        () => 'failed',
      ),
    );
    const admin = new pg.Client({ connectionString: database.databaseUrl });
    await admin.connect();
    const name = new URL(database.databaseUrl!).pathname.slice(1);
    await expect
      .poll(
        async () => {
          const { rows } = await admin.query(
            "select count(*)::int as n from pg_stat_activity where datname = $1 and query like '%pg_sleep%' and pid <> pg_backend_pid()",
            [name],
          );
          return (rows[0] as { n: number }).n;
        },
        { timeout: 20_000 },
      )
      .toBe(2);
    await admin.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [name],
    );
    await admin.end();
    expect(await Promise.all(inFlight)).toEqual(['failed', 'failed']);
    // The pool replaces the lost connections; the server carries on.
    await expect.poll(async () => await node.services.database.ping()).toBe(true);
    const client = await TestClient.connect(wsUrl(node), cookie);
    expect(
      await client.request({ type: 'rpc', method: 'sync.open', params: { entityId: own.order } }),
    ).toMatchObject({ ok: true });
    client.close();
    expect(uncaught).toEqual([]);
  });

  it('answers UNAVAILABLE from every RPC, route and action while the database is unreachable', async () => {
    const client = await TestClient.connect(wsUrl(node), cookie);
    await proxy.stop();
    try {
      const answers = await everyRpc(node, client, own);
      const wrong = answers.filter((a) => !['UNAVAILABLE', 'FORBIDDEN'].includes(a.code));
      expect(wrong).toEqual([]);
      for (const method of ['sync.open', 'sync.push', 'comments.list'])
        expect(answers.find((a) => a.method === method)?.code).toBe('UNAVAILABLE');

      const rest = await everyRoute(app, cookie, own);
      const notUnavailable = rest.filter(
        (r) => r.status !== 503 || (r.request !== 'GET /api/health' && r.code !== 'UNAVAILABLE'),
      );
      expect(notUnavailable).toEqual([]);

      const actions: { name: string; status: number; unavailable: boolean }[] = [];
      for (const action of builtActions(appDirectory())) {
        // signOut needs nothing but the cookie (and no database).
        if (action.name === 'signOut') continue;
        // signIn takes (state, FormData), encoded as React's client does; it answers the form's state.
        const form = new FormData();
        form.set('email', 'anna@siam.example');
        form.set('password', 'demo1234');
        const body =
          action.name === 'signIn'
            ? await encodeActionArgs([{ error: null, email: '' }, form])
            : JSON.stringify(action.name === 'setLocale' ? ['th'] : [own.product, {}]);
        const response = await fetch(`${app.url}${action.page}`, {
          method: 'POST',
          headers: {
            cookie,
            'next-action': action.id,
            accept: 'text/x-component',
            origin: app.url,
            ...(typeof body === 'string' ? { 'content-type': 'text/plain;charset=UTF-8' } : {}),
          },
          body,
          redirect: 'manual',
        });
        const text = await response.text();
        actions.push({
          name: action.name,
          status: response.status,
          unavailable: text.includes(action.name === 'signIn' ? '"error":"unavailable"' : 'UNAVAILABLE'),
        });
      }
      expect(actions.filter((a) => a.status >= 500 || !a.unavailable)).toEqual([]);

      // A socket of a user this node has not read yet (of another tenant: the node read Siam's roster when Anna
      // connected): the upgrade is answered at once with 503 UNAVAILABLE (the client retries), on the bare node and
      // on the built app.
      const viewer = await sessionCookie(database, 'ken@northwind.example');
      const refused = { status: 503, code: 'UNAVAILABLE' };
      expect(await upgradeAnswer(wsUrl(node), viewer)).toEqual(refused);
      expect(await upgradeAnswer(`${app.url.replace('http', 'ws')}/ws?v=1`, viewer)).toEqual(refused);
    } finally {
      await proxy.start();
    }
    // Back: the same socket, the routes and the upgrade work again.
    await expect
      .poll(async () => {
        const answer = await client.request({
          type: 'rpc',
          method: 'sync.open',
          params: { entityId: own.order },
        });
        return answer.type === 'ack' && answer.ok;
      })
      .toBe(true);
    await expect
      .poll(async () => (await fetch(`${app.url}/api/orders`, { headers: { cookie } })).status)
      .toBe(200);
    client.close();
    expect(uncaught).toEqual([]);
  });
});

/** Every route handler under app/api with every method it exports, with the caller's own ids. */
async function everyRoute(app: AppServer, cookie: string, own: Own) {
  const ids = { ...ownIds(own), ownConnection: 'none' };
  const rest: { request: string; status: number; code: unknown }[] = [];
  for (const route of apiRoutes()) {
    for (const method of route.methods) {
      const attack = restAttacks[route.path]?.[method]?.(ids)[0] ?? {};
      let path = route.path;
      for (const [, segment] of route.path.matchAll(/\[(\w+)\]/g)) {
        const kind = segmentKind(route.path, segment!);
        const value = kind === 'connection' || !kind ? 'none' : ids.b[kind];
        path = path.replace(`[${segment}]`, value);
      }
      const response = await fetch(`${app.url}${path}`, {
        method,
        headers: {
          cookie,
          ...(attack.form
            ? { 'content-type': 'application/x-www-form-urlencoded' }
            : { 'content-type': 'application/json' }),
        },
        ...(method === 'GET'
          ? {}
          : {
              body: attack.form
                ? new URLSearchParams(attack.form).toString()
                : JSON.stringify(attack.json ?? {}),
            }),
      });
      const body = (await response.json().catch(() => null)) as { error?: { code?: string } } | null;
      rest.push({ request: `${method} ${route.path}`, status: response.status, code: body?.error?.code });
    }
  }
  return rest;
}

function ownIds(own: Own): Omit<SweepIds, 'ownConnection'> {
  const b = {
    order: own.order,
    product: own.product,
    customer: own.customer,
    user: own.self,
    admin: own.self,
    conversation: own.order,
    message: own.order,
    thread: own.order,
    comment: own.order,
    change: own.order,
    notification: own.order,
    connection: 'none',
    line: own.order,
    conflict: own.order,
    email: 'anna@siam.example',
  };
  return {
    tenantA: '',
    tenantB: '',
    a: {
      order: own.order,
      product: own.product,
      customer: own.customer,
      conversation: own.order,
      self: own.self,
    },
    b,
  };
}

/**
 * How far apart the servers retry a Redis that is gone. A request that needs Redis fails after three retries; at the
 * default (1 s) the sweep over every route waits about 3 s per Redis command, 40 s in all. The same path answers
 * UNAVAILABLE sooner here; what the sweep checks (503 UNAVAILABLE, never INTERNAL) is the same.
 */
const REDIS_RETRY_MAX_MS = 100;

describe.skipIf(!withPostgres || !withRedis)('faults: Redis goes away', () => {
  let database: TestDatabase;
  let redis: ScratchRedis;
  let node: RunningServer;
  let app: AppServer;
  let cookie: string;
  let own: Own;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    redis = new ScratchRedis(await freePort());
    await redis.start();
    node = await startServer({
      env: testEnv({
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'faults',
        REDIS_RETRY_MAX_MS: String(REDIS_RETRY_MAX_MS),
      }),
      withNext: false,
      database: await createDb({ databaseUrl: database.databaseUrl }),
    });
    app = await startAppServer({
      databaseUrl: database.databaseUrl!,
      secret: TEST_SECRET,
      env: {
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'faults-app',
        REDIS_RETRY_MAX_MS: String(REDIS_RETRY_MAX_MS),
      },
    });
    cookie = await sessionCookie(database, 'anna@siam.example');
    const anna = (await findUserForSignIn(database.db, 'anna@siam.example'))!;
    const [order] = await database.db.select().from(orders).where(sql`${orders.tenantId} = ${anna.tenantId}`);
    const [product] = await database.db
      .select()
      .from(products)
      .where(sql`${products.tenantId} = ${anna.tenantId}`);
    const [customer] = await database.db
      .select()
      .from(customers)
      .where(sql`${customers.tenantId} = ${anna.tenantId}`);
    own = { order: order!.id, product: product!.id, customer: customer!.id, self: anna.id };
  }, 300_000);

  afterAll(async () => {
    await app?.stop();
    await node?.close();
    await redis?.kill();
    await database?.drop();
  });

  it('answers UNAVAILABLE, never INTERNAL, to RPCs that need Redis, and works again once it is back', async () => {
    const client = await TestClient.connect(wsUrl(node), cookie);
    const opened = await client.request({
      type: 'rpc',
      method: 'sync.open',
      params: { entityId: own.order },
    });
    expect(opened).toMatchObject({ ok: true });
    await redis.kill();
    await expect
      .poll(() => node.services.realtime.hub.stats() && node.services.realtime.health())
      .toMatchObject({
        ok: false,
      });
    const answers = await everyRpc(node, client, own);
    expect(answers.filter((a) => a.code !== 'UNAVAILABLE')).toEqual([]);
    const pushed = await client.request({
      type: 'rpc',
      method: 'lock.acquire',
      params: { entityId: own.order, section: 'shipping' },
    });
    expect(pushed).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    // Every route of the built app on the same dead Redis: what needs it answers 503 UNAVAILABLE, nothing 500.
    const rest = await everyRoute(app, cookie, own);
    expect(
      rest.filter(
        (r) =>
          r.status >= 500 &&
          !(r.status === 503 && (r.code === 'UNAVAILABLE' || r.request === 'GET /api/health')),
      ),
    ).toEqual([]);
    await redis.start();
    await expect
      .poll(async () => {
        const answer = await client.request({
          type: 'rpc',
          method: 'lock.acquire',
          params: { entityId: own.order, section: 'shipping' },
        });
        return answer.type === 'ack' && answer.ok;
      })
      .toBe(true);
    client.close();
  });
});
