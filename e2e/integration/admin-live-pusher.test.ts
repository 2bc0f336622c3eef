import { sql } from 'drizzle-orm';
import PusherServerLib from 'pusher';
import Pusher, { type PresenceChannel } from 'pusher-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCaller } from '../../lib/admin/people-service';
import { findSessionUser, type SessionUser } from '../../lib/db/queries/users';
import type { PusherApp } from '../../lib/pusher';
import { defaultPusherApp } from '../../lib/pusher/auth-request';
import { authenticateDomainUser, authorizeDomainChannel, type GrantUser } from '../../lib/pusher/domain-auth';
import { WebSocketClient } from '../../lib/realtime/client/websocket-client';
import type { RunningServer } from '../../lib/server/start';
import { seededActors } from '../support/catalog-fixtures';
import { nodeSocket } from '../support/node-socket';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { deleteKeys, startNode } from './realtime-cluster-support';
import { sessionCookie, startRealtimeServer, uniquePrefix, wsUrl } from './realtime-helpers';

const available = (await postgresAvailable()) && (await redisAvailable());

type Actors = Awaited<ReturnType<typeof seededActors>>;

/** A pusher-js client whose authorizers are the auth endpoints' logic for one signed-in user (as stored now). */
function pusherFor(server: RunningServer, app: PusherApp, user: GrantUser): Pusher {
  return new Pusher(app.key, {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/api/pusher/auth',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        void authorizeDomainChannel(user, app, { socketId, channel: channelName }).then((reply) =>
          reply.status === 200 ? callback(null, reply.body) : callback(new Error(reply.body.error), null),
        );
      },
    },
    userAuthentication: {
      endpoint: '/api/pusher/user-auth',
      transport: 'ajax',
      customHandler: ({ socketId }, callback) => {
        const reply = authenticateDomainUser(user, app, socketId);
        if (reply.status === 200) callback(null, reply.body);
        else callback(new Error(reply.body.error), null);
      },
    },
  });
}

/** What one Pusher client saw: subscription errors per channel, pusher:error frames, and the close. */
function watch(client: Pusher) {
  const seen = {
    subscriptionErrors: new Map<string, { type?: string; error?: string; status?: number }>(),
    errors: [] as { code: number | null; message: string }[],
    state: () => client.connection.state,
  };
  client.connection.bind(
    'error',
    (event: { type?: string; data?: { code?: number | null; message?: string } }) => {
      if (event.type === 'PusherError')
        seen.errors.push({ code: event.data?.code ?? null, message: event.data?.message ?? '' });
    },
  );
  return seen;
}

function subscribed(client: Pusher, channelName: string): Promise<'ok' | 'refused'> {
  const channel = client.subscribe(channelName);
  return new Promise((resolve) => {
    channel.bind('pusher:subscription_succeeded', () => resolve('ok'));
    channel.bind('pusher:subscription_error', () => resolve('refused'));
  });
}

/**
 * Laravel Echo / pusher-js connections are re-checked like the native sockets: a lowered role leaves the channels
 * it no longer allows (the client is told ROLE_CHANGED), deactivation and sign-out everywhere close the user's
 * connections with 4009, on both nodes; a change made directly in SQL is noticed by every node through the
 * users trigger and LISTEN/NOTIFY.
 */
describe.runIf(available)(
  'Pusher connections follow permission changes on two nodes (PostgreSQL + Redis)',
  () => {
    let database: TestDatabase;
    let prefix: string;
    let a: RunningServer;
    let b: RunningServer;
    let app: PusherApp;
    let actors: Actors;
    let admin: AdminCaller;
    let tenant: string;
    const clients: Pusher[] = [];
    const natives: WebSocketClient[] = [];

    beforeAll(async () => {
      database = await createTestDatabase('postgres');
      actors = await seededActors(database.db);
      admin = { ...actors.admin };
      tenant = actors.admin.tenantId;
      prefix = uniquePrefix();
      const env = { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
      a = await startNode(database.databaseUrl!, env);
      b = await startNode(database.databaseUrl!, env);
      app = defaultPusherApp(a.services.env)!;
    }, 120_000);

    afterEach(() => {
      for (const client of clients.splice(0)) client.disconnect();
      for (const client of natives.splice(0)) client.destroy();
    });

    afterAll(async () => {
      await a?.close();
      await b?.close();
      await database?.drop();
      if (prefix) await deleteKeys(TEST_REDIS_URL, prefix);
    });

    const stored = async (id: string): Promise<SessionUser> => {
      const user = await findSessionUser(database.db, id, tenant);
      if (!user) throw new Error(`no user ${id}`);
      return user;
    };
    const client = (server: RunningServer, user: GrantUser) => {
      const created = pusherFor(server, app, user);
      clients.push(created);
      return created;
    };
    const subscriptionCount = async (channel: string): Promise<number> => {
      const lib = new PusherServerLib({
        appId: app.id,
        key: app.key,
        secret: app.secret,
        host: '127.0.0.1',
        port: String(b.port),
        useTLS: false,
      });
      const response = await lib.get({
        path: `/channels/${channel}`,
        params: { info: 'subscription_count' },
      });
      const body = (await response.json()) as { subscription_count?: number };
      return body.subscription_count ?? 0;
    };

    it('a lowered admin leaves private-admin on both nodes with ROLE_CHANGED; a new signature is refused', async () => {
      const created = await a.services.people.create(admin, {
        name: 'Deputy Admin',
        email: 'deputy.admin@siam.example',
        role: 'admin',
        locale: 'en',
      });
      if (!created.ok) throw new Error(created.code);
      const deputy = await stored(created.value.person.id);
      const adminChannel = `private-admin.${tenant}`;
      const onA = client(a, deputy);
      const onB = client(b, deputy);
      const seenA = watch(onA);
      const seenB = watch(onB);
      const roleErrors = (target: Pusher) =>
        new Promise<unknown>((resolve) =>
          target.channel(adminChannel)?.bind('pusher:subscription_error', resolve),
        );
      expect(await subscribed(onA, adminChannel)).toBe('ok');
      expect(await subscribed(onB, adminChannel)).toBe('ok');
      expect(await subscribed(onA, `private-orders.${tenant}`)).toBe('ok');
      await expect.poll(() => subscriptionCount(adminChannel)).toBe(2);
      const toldA = roleErrors(onA);
      const toldB = roleErrors(onB);

      expect(await b.services.people.update(admin, deputy.id, { role: 'sales' })).toMatchObject({ ok: true });
      expect(await toldA).toMatchObject({ type: 'AuthError', error: 'ROLE_CHANGED', status: 403 });
      expect(await toldB).toMatchObject({ type: 'AuthError', error: 'ROLE_CHANGED', status: 403 });
      await expect.poll(() => subscriptionCount(adminChannel)).toBe(0);
      // What a sales person may read stays; the connections stay open.
      expect(await subscriptionCount(`private-orders.${tenant}`)).toBe(1);
      expect([seenA.state(), seenB.state()]).toEqual(['connected', 'connected']);
      // A signature issued before the change is judged against the stored role when it is used.
      const late = client(a, deputy);
      expect(await subscribed(late, adminChannel)).toBe('refused');
    });

    it('deactivation closes a signed-in Echo connection on each node with 4009; a later subscribe is refused', async () => {
      const viewer = await stored(actors.viewer.id);
      const onA = client(a, viewer);
      const onB = client(b, viewer);
      const seenA = watch(onA);
      const seenB = watch(onB);
      onA.signin();
      expect(await subscribed(onA, `private-products.${tenant}`)).toBe('ok');
      expect(await subscribed(onB, `presence-online.${tenant}`)).toBe('ok');

      expect(await a.services.people.update(admin, viewer.id, { active: false })).toMatchObject({ ok: true });
      await expect.poll(() => seenA.errors).toContainEqual({ code: 4009, message: 'Account deactivated' });
      await expect.poll(() => seenB.errors).toContainEqual({ code: 4009, message: 'Account deactivated' });
      await expect.poll(() => [seenA.state(), seenB.state()]).not.toContain('connected');
      // The presence member is gone for the others.
      const lib = new PusherServerLib({
        appId: app.id,
        key: app.key,
        secret: app.secret,
        host: '127.0.0.1',
        port: String(a.port),
        useTLS: false,
      });
      await expect
        .poll(async () => {
          const response = await lib.get({ path: `/channels/presence-online.${tenant}/users` });
          return ((await response.json()) as { users: { id: string }[] }).users.map((u) => u.id);
        })
        .not.toContain(viewer.id);
      // A signature issued under the old state, used now, ends the connection the same way.
      const again = client(b, viewer);
      const seenAgain = watch(again);
      void subscribed(again, `private-products.${tenant}`);
      await expect
        .poll(() => seenAgain.errors)
        .toContainEqual({ code: 4009, message: 'Account deactivated' });
      await a.services.people.update(admin, viewer.id, { active: true });
    });

    it('a role change reaches the presence member list on both nodes once, without leaving the channel', async () => {
      const napa = await stored(actors.sales2.id);
      const anna = await stored(actors.sales.id);
      const online = `presence-online.${tenant}`;
      const member = client(a, napa);
      const watcher = client(b, anna);
      expect(await subscribed(member, online)).toBe('ok');
      expect(await subscribed(watcher, online)).toBe('ok');
      const presence = watcher.channel(online) as PresenceChannel;
      const infoOf = () => (presence.members.get(napa.id) as { info?: { role?: string } } | null)?.info?.role;
      await expect.poll(infoOf).toBe('sales');
      let removed = 0;
      presence.bind('pusher:member_removed', (m: { id: string }) => {
        if (m.id === napa.id) removed += 1;
      });

      expect(await a.services.people.update(admin, napa.id, { role: 'viewer' })).toMatchObject({ ok: true });
      await expect.poll(infoOf).toBe('viewer');
      // Their own connection stays subscribed; the REST API lists the new info too.
      expect(member.channel(online)?.subscribed).toBe(true);
      const lib = new PusherServerLib({
        appId: app.id,
        key: app.key,
        secret: app.secret,
        host: '127.0.0.1',
        port: String(b.port),
        useTLS: false,
      });
      const users = await lib.get({ path: `/channels/${online}/users` });
      expect(((await users.json()) as { users: { id: string }[] }).users.map((u) => u.id)).toContain(napa.id);
      // Changing back is announced once more: the pair is sent once per change, not once per node.
      expect(await b.services.people.update(admin, napa.id, { role: 'sales' })).toMatchObject({ ok: true });
      await expect.poll(infoOf).toBe('sales');
      expect(removed).toBe(2);
    });

    it('sign-out everywhere closes the user’s Echo connections on both nodes with 4009', async () => {
      const sales = await stored(actors.sales.id);
      const onA = client(a, sales);
      const onB = client(b, sales);
      const seenA = watch(onA);
      const seenB = watch(onB);
      onB.signin();
      expect(await subscribed(onA, `private-orders.${tenant}`)).toBe('ok');
      expect(await subscribed(onB, `private-App.Models.User.${sales.id}`)).toBe('ok');
      expect(await b.services.people.signOutEverywhere(admin, sales.id)).toMatchObject({ ok: true });
      const ended = { code: 4009, message: 'Session ended; sign in again' };
      await expect.poll(() => seenA.errors).toContainEqual(ended);
      await expect.poll(() => seenB.errors).toContainEqual(ended);
      // The new session's signatures work.
      const fresh = client(a, await stored(sales.id));
      expect(await subscribed(fresh, `private-orders.${tenant}`)).toBe('ok');
    });

    it('a role changed directly in SQL reaches native and Pusher sockets on both nodes (trigger + NOTIFY)', async () => {
      const napa = await stored(actors.sales2.id);
      const [order] = await database.db.query.orders.findMany({
        where: (o, { eq }) => eq(o.tenantId, tenant),
        limit: 1,
      });
      const internal = `internal:${order!.id}`;
      const cookie = await sessionCookie(database, napa.email);
      const native = (server: RunningServer) => {
        const created = new WebSocketClient({
          url: wsUrl(server),
          reconnectInterval: 100,
          reconnectJitter: 0,
          createSocket: (url) => nodeSocket(url, cookie),
        });
        natives.push(created);
        return created;
      };
      const nativeA = native(a);
      const nativeB = native(b);
      await Promise.all([nativeA.subscribe(internal).ready, nativeB.subscribe(internal).ready]);
      // Both nodes have the sales role cached now.
      const deputy = await stored(napa.id);
      const echoB = client(b, deputy);
      expect(await subscribed(echoB, `private-orders.${tenant}`)).toBe('ok');

      const started = Date.now();
      await database.db.execute(sql`update users set role = 'viewer' where id = ${napa.id}`);
      await expect.poll(() => nativeA.channel(internal)?.error?.code).toBe('ROLE_CHANGED');
      await expect.poll(() => nativeB.channel(internal)?.error?.code).toBe('ROLE_CHANGED');
      const elapsed = Date.now() - started;
      console.info(`a role changed in SQL was enforced on both nodes after ${elapsed} ms`);
      // A deactivation in SQL closes the Pusher connection too.
      const seen = watch(echoB);
      await database.db.execute(sql`update users set active = false where id = ${napa.id}`);
      await expect.poll(() => seen.errors).toContainEqual({ code: 4009, message: 'Account deactivated' });
      await database.db.execute(sql`update users set active = true, role = 'sales' where id = ${napa.id}`);
    });
  },
);

describe('a role changed in SQL on the embedded database (PGlite, one node)', () => {
  let database: TestDatabase;
  let server: RunningServer;
  const natives: WebSocketClient[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database);
  }, 120_000);
  afterAll(async () => {
    for (const client of natives) client.destroy();
    await server?.close();
  });

  it('ends the staff-only subscription with ROLE_CHANGED', async () => {
    const actors = await seededActors(database.db);
    const [order] = await database.db.query.orders.findMany({
      where: (o, { eq }) => eq(o.tenantId, actors.sales.tenantId),
      limit: 1,
    });
    const internal = `internal:${order!.id}`;
    const cookie = await sessionCookie(database, actors.sales.email);
    const native = new WebSocketClient({
      url: wsUrl(server),
      reconnectInterval: 100,
      reconnectJitter: 0,
      createSocket: (url) => nodeSocket(url, cookie),
    });
    natives.push(native);
    await native.subscribe(internal).ready;
    await database.db.execute(sql`update users set role = 'viewer' where id = ${actors.sales.id}`);
    await expect.poll(() => native.channel(internal)?.error?.code).toBe('ROLE_CHANGED');
    expect(native.state.status).toBe('open');
  });
});
