import { randomBytes, randomUUID } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createDb } from '../../lib/db/create-db';
import { findUserForSignIn } from '../../lib/db/queries/users';
import {
  conversationParticipants,
  customers,
  entityChanges,
  messages,
  notifications,
  orderLines,
  orders,
  products,
  users,
} from '../../lib/db/schema';
import { entityChannelKinds, listChannelKinds, singletonChannelKinds } from '../../lib/realtime/protocol';
import { type RunningServer, startServer } from '../../lib/server/start';
import { type AppServer, appDirectory, startAppServer } from '../support/app-server';
import { postgresAvailable, redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { deleteKeys } from './realtime-cluster-support';
import { sessionCookie, TEST_SECRET, TestClient, testEnv, uniquePrefix, wsUrl } from './realtime-helpers';
import {
  type ActionAttack,
  actionAttacks,
  type HttpAttack,
  restAttacks,
  rpcFilters,
  rpcOverrides,
  rpcRefusedInResult,
  type SweepIds,
} from './tenant-sweep-attacks';
import { generateParams, type IdKind } from './tenant-sweep-params';
import { apiRoutes, builtActions, segmentKind, sourceActions } from './tenant-sweep-surface';

const available = (await postgresAvailable()) && (await redisAvailable());
const step = (what: string) => {
  if (process.env.SWEEP_DEBUG) process.stderr.write(`${new Date().toISOString()} ${what}\n`);
};

const PUSHER = { id: 'sweep-app', key: 'sweep-key', secret: 'sweep-secret-sweep-secret-sweep' };
type RoleName = 'admin' | 'sales' | 'viewer';
const ROLES: Record<RoleName, string> = {
  admin: 'admin@siam.example',
  sales: 'anna@siam.example',
  viewer: 'viewer@siam.example',
};

type Outcome = {
  entry: string;
  role: RoleName;
  request: string;
  reply: string;
  refused: boolean;
  code: string;
};

/**
 * Tenant safety by sweep: every RPC method the hub has registered, every route handler under app/api with every
 * method it exports, every server action of the build, every channel kind and the Pusher endpoints, called as every
 * role of tenant A with tenant B's ids, channels and keys. Each call must be refused (or, where the ids only filter
 * the caller's own data, answer with nothing of B), no reply and no frame any of A's sockets (ours and Pusher's)
 * receive may contain anything of B, and B's rows stay as they were. Two nodes on one PostgreSQL and one Redis: the
 * built app (routes, actions, Pusher) and an in-process node (the RPC registry), so leaks across nodes count too.
 */
describe.skipIf(!available)('tenant sweep: every entry point as tenant A with tenant B’s ids', () => {
  let database: TestDatabase;
  let node: RunningServer;
  let app: AppServer;
  const prefix = uniquePrefix();
  const marker = `nwsecret${randomBytes(6).toString('hex')}`;
  const attackMarker = `sweepattack${randomBytes(6).toString('hex')}`;
  const cookies = {} as Record<RoleName | 'bAdmin' | 'bSales', string>;
  const observers = new Map<RoleName, TestClient>();
  const pusherFrames: { role: RoleName; text: string }[] = [];
  const pusherSockets: WebSocket[] = [];
  let bObserver: TestClient;
  let bSales: TestClient;
  let ids: Omit<SweepIds, 'ownConnection'>;
  const secrets = new Set<string>();
  let bBefore = '';
  const outcomes: Outcome[] = [];
  const problems: string[] = [];
  const counts = { rpc: 0, rest: 0, actions: 0, channels: 0, pusher: 0 };

  const leaksIn = (text: string, request: string) =>
    [...secrets].filter((secret) => text.includes(secret) && !request.includes(secret));

  const bSnapshot = async () => {
    const db = database.db;
    const b = ids.tenantB;
    return JSON.stringify({
      orders: await db
        .select({ id: orders.id, v: orders.version, s: orders.status, n: orders.notes })
        .from(orders)
        .where(eq(orders.tenantId, b))
        .orderBy(orders.id),
      lines: await db.select().from(orderLines).where(eq(orderLines.tenantId, b)).orderBy(orderLines.id),
      products: await db
        .select({ id: products.id, v: products.version, stock: products.stock, price: products.priceMinor })
        .from(products)
        .where(eq(products.tenantId, b))
        .orderBy(products.id),
      customers: await db
        .select({ id: customers.id, v: customers.version })
        .from(customers)
        .where(eq(customers.tenantId, b))
        .orderBy(customers.id),
      participants: await db
        .select()
        .from(conversationParticipants)
        .where(eq(conversationParticipants.conversationId, ids.b.conversation)),
      messages: await db
        .select({ id: messages.id, body: messages.body, deleted: messages.deletedAt })
        .from(messages)
        .where(eq(messages.conversationId, ids.b.conversation)),
      notifications: await db
        .select({ id: notifications.id, read: notifications.readAt })
        .from(notifications)
        .where(eq(notifications.userId, ids.b.user)),
      users: await db
        .select({ id: users.id, role: users.role })
        .from(users)
        .where(eq(users.tenantId, b))
        .orderBy(users.id),
    });
  };

  const rpc = async (client: TestClient, method: string, params: unknown) => {
    const answer = await client.request({ type: 'rpc', method, params });
    if (answer.type !== 'ack') throw new Error(`no ack for ${method}`);
    if (!answer.ok) throw new Error(`${method} failed: ${JSON.stringify(answer.error)}`);
    return answer.result as Record<string, unknown>;
  };

  const http = (path: string, cookie: string, init: { method?: string; json?: unknown } = {}) =>
    fetch(`${app.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie, ...(init.json === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const shared = {
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      PUSHER_APP_ID: PUSHER.id,
      PUSHER_APP_KEY: PUSHER.key,
      PUSHER_APP_SECRET: PUSHER.secret,
      API_RATE_PER_SECOND: '1000',
      API_RATE_BURST: '1000',
      WS_MESSAGES_PER_SECOND: '1000',
      WS_BURST: '1000',
      WS_MAX_SUBSCRIPTIONS: '1000',
    };
    node = await startServer({
      env: testEnv(shared),
      withNext: false,
      database: await createDb({ databaseUrl: database.databaseUrl }),
    });
    app = await startAppServer({
      databaseUrl: database.databaseUrl,
      secret: TEST_SECRET,
      env: { ...shared, SEED: 'false' },
    });
    for (const [role, email] of Object.entries(ROLES))
      cookies[role as RoleName] = await sessionCookie(database, email);
    cookies.bAdmin = await sessionCookie(database, 'olivia@northwind.example');
    cookies.bSales = await sessionCookie(database, 'ken@northwind.example');

    const db = database.db;
    const load = async (email: string) => (await findUserForSignIn(db, email))!;
    const [annaUser, olivia, ken] = await Promise.all([
      load(ROLES.sales),
      load('olivia@northwind.example'),
      load('ken@northwind.example'),
    ]);
    const tenantA = annaUser.tenantId;
    const tenantB = olivia.tenantId;
    const first = async <T>(rows: Promise<T[]>) => (await rows)[0]!;
    const bOrder = await first(db.select().from(orders).where(eq(orders.tenantId, tenantB)).limit(1));
    const aOrder = await first(db.select().from(orders).where(eq(orders.tenantId, tenantA)).limit(1));
    const bLine = await first(db.select().from(orderLines).where(eq(orderLines.orderId, bOrder.id)).limit(1));
    const [bProduct, aProduct] = await Promise.all(
      [tenantB, tenantA].map((t) =>
        first(db.select().from(products).where(eq(products.tenantId, t)).limit(1)),
      ),
    );
    const [bCustomer, aCustomer] = await Promise.all(
      [tenantB, tenantA].map((t) =>
        first(db.select().from(customers).where(eq(customers.tenantId, t)).limit(1)),
      ),
    );

    // Tenant B's people at work: a conversation, edits, comments, a lock, an announcement, all carrying the marker.
    bSales = await TestClient.connect(wsUrl(Number(new URL(app.url).port)), cookies.bSales);
    const welcome = bSales.messages.find((m) => m.type === 'welcome');
    const bConnection = welcome?.type === 'welcome' ? welcome.connectionId : '';
    const conversation = (await (
      await http('/api/conversations', cookies.bAdmin, {
        method: 'POST',
        json: { kind: 'group', name: `Northwind ${marker} group`, memberIds: [ken.id] },
      })
    ).json()) as { conversation: { id: string } };
    const aConversation = (await (
      await http('/api/conversations', cookies.sales, {
        method: 'POST',
        json: { kind: 'group', name: 'Siam sweep group', memberIds: [] },
      })
    ).json()) as { conversation: { id: string } };

    ids = {
      tenantA,
      tenantB,
      a: {
        order: aOrder.id,
        product: aProduct!.id,
        customer: aCustomer!.id,
        conversation: aConversation.conversation.id,
        self: annaUser.id,
      },
      b: {
        order: bOrder.id,
        product: bProduct!.id,
        customer: bCustomer!.id,
        user: ken.id,
        admin: olivia.id,
        conversation: conversation.conversation.id,
        message: '',
        thread: '',
        comment: '',
        change: '',
        notification: '',
        connection: bConnection,
        line: bLine.id,
        conflict: randomUUID(),
        email: ken.email,
      },
    };

    // Tenant A's sockets listen to everything they may read (and the channel attacks), on the in-process node.
    for (const role of Object.keys(ROLES) as RoleName[]) {
      const client = await TestClient.connect(wsUrl(node), cookies[role]);
      observers.set(role, client);
      const self = (await load(ROLES[role])).id;
      for (const channel of [...listChannelKinds, 'activity', 'presence', 'admin', `user:${self}`])
        await client.request({ type: 'subscribe', channel });
    }
    await channelAttacks();
    await pusherObservers();
    bObserver = await TestClient.connect(wsUrl(node), cookies.bAdmin);
    for (const channel of [`order:${bOrder.id}`, `product:${bProduct!.id}`, 'orders', 'products'])
      await bObserver.request({ type: 'subscribe', channel });

    step("await rpc(bSales, 'sync.open'");
    await rpc(bSales, 'sync.open', { entityId: bOrder.id });
    const pushed = await rpc(bSales, 'sync.push', {
      entityId: bOrder.id,
      changes: [
        {
          clientChangeId: `nw-${marker}`,
          baseVersion: bOrder.version,
          field: 'notes',
          op: { type: 'text', op: [`Northwind note ${marker} `] },
        },
      ],
    });
    if (!JSON.stringify(pushed).includes('"changes":[{'))
      throw new Error(`B's edit failed: ${JSON.stringify(pushed)}`);
    const thread = await rpc(bSales, 'comments.create', {
      entityId: bOrder.id,
      anchor: { kind: 'entity' },
      body: `Northwind comment ${marker}`,
      mentions: [olivia.id],
    });
    await rpc(bSales, 'comments.create', {
      entityId: bOrder.id,
      anchor: { kind: 'entity' },
      internal: true,
      body: `Northwind internal ${marker}`,
    });
    step("await rpc(bSales, 'lock.acquir");
    await rpc(bSales, 'lock.acquire', { entityId: bOrder.id, section: 'shipping' });
    const message = (await (
      await http(`/api/conversations/${ids.b.conversation}/messages`, cookies.bAdmin, {
        method: 'POST',
        json: { body: `Northwind message ${marker}` },
      })
    ).json()) as { message: { id: string } };
    await http('/api/realtime/announcements', cookies.bAdmin, {
      method: 'POST',
      json: { text: `Northwind announcement ${marker}` },
    });
    const change = await first(
      db
        .select()
        .from(entityChanges)
        .where(and(eq(entityChanges.tenantId, tenantB), eq(entityChanges.entityId, bOrder.id)))
        .orderBy(desc(entityChanges.version))
        .limit(1),
    );
    const notification = await first(
      db.select().from(notifications).where(eq(notifications.userId, ken.id)).limit(1),
    );
    const comments = thread.comments as { id: string }[];
    Object.assign(ids.b, {
      message: message.message.id,
      thread: String(thread.id),
      comment: comments[0]!.id,
      change: change.id,
      notification: notification.id,
    });

    // What must never reach tenant A: the marker, B's people, and every id of B's that A did not send itself.
    secrets.add(marker);
    for (const person of [olivia, ken])
      for (const value of [person.id, person.name, person.email]) secrets.add(value);
    const bUsers = await db.select({ id: users.id }).from(users).where(eq(users.tenantId, tenantB));
    for (const { id } of bUsers) secrets.add(id);
    secrets.add(bOrder.number);
    for (const value of Object.values(ids.b)) if (value) secrets.add(value);
    const bOrders = await db.select({ id: orders.id }).from(orders).where(eq(orders.tenantId, tenantB));
    for (const { id } of bOrders) secrets.add(id);
    bBefore = await bSnapshot();
  }, 300_000);

  afterAll(async () => {
    for (const client of [...observers.values(), bObserver, bSales]) client?.close();
    for (const socket of pusherSockets) socket.close();
    await app?.stop();
    await node?.close();
    await database?.drop();
    await deleteKeys(TEST_REDIS_URL, prefix);
  });

  /** Subscribes and publishes as A to every channel kind with B's ids, and to B's tenant-prefixed names. */
  async function channelAttacks(): Promise<void> {
    const idFor: Record<(typeof entityChannelKinds)[number], string> = {
      order: ids.b.order,
      product: ids.b.product,
      user: ids.b.user,
      conversation: ids.b.conversation,
      internal: ids.b.order,
    };
    // Entity rooms are named without a tenant: `order:{id}` of tenant A is A's own room (the hub prefixes the
    // caller's tenant), so a subscription there is isolation, not a refusal: B's events must never arrive.
    const namespaced = new Set(['order', 'product', 'internal']);
    const kinds = [...listChannelKinds, ...singletonChannelKinds, ...entityChannelKinds];
    for (const [role, client] of observers) {
      for (const kind of kinds) {
        const names = [
          `${ids.tenantB}:${kind}`,
          ...((entityChannelKinds as readonly string[]).includes(kind)
            ? [
                `${kind}:${idFor[kind as keyof typeof idFor]}`,
                `${ids.tenantB}:${kind}:${idFor[kind as keyof typeof idFor]}`,
              ]
            : []),
        ];
        for (const channel of names) {
          for (const message of [
            { type: 'subscribe', channel },
            { type: 'publish', channel, event: 'sweep', data: attackMarker },
          ]) {
            counts.channels++;
            const request = JSON.stringify(message);
            const answer = await client.request({ ...message });
            const refused = answer.type === 'ack' && !answer.ok;
            const isolated = namespaced.has(kind) && channel.startsWith(`${kind}:`);
            const code = answer.type === 'ack' && !answer.ok ? answer.error.code : answer.type;
            outcomes.push({
              entry: `channel ${kind}`,
              role,
              request,
              reply: JSON.stringify(answer),
              refused,
              code,
            });
            if (!refused && !isolated) problems.push(`${role}: ${request} was not refused (${code})`);
          }
        }
      }
    }
  }

  /** A's Pusher sockets on the built app, subscribed (with /api/pusher/auth) to A's own domain channels. */
  async function pusherObservers(): Promise<void> {
    for (const role of Object.keys(ROLES) as RoleName[]) {
      const socket = new WebSocket(`${app.url.replace('http', 'ws')}/app/${PUSHER.key}?protocol=7`);
      pusherSockets.push(socket);
      const frames: string[] = [];
      const waiters: (() => void)[] = [];
      socket.on('message', (data) => {
        const text = data.toString();
        frames.push(text);
        pusherFrames.push({ role, text });
        for (const wake of waiters.splice(0)) wake();
      });
      /** The first frame that matches, waiting for it (hooks cannot use expect.poll). */
      const frame = async (match: (text: string) => boolean): Promise<string> => {
        for (;;) {
          const found = frames.find(match);
          if (found) return found;
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      };
      await new Promise<void>((resolve) => socket.once('open', () => resolve()));
      await frame((f) => f.includes('pusher:connection_established'));
      const socketId = (JSON.parse(JSON.parse(frames[0]!).data as string) as { socket_id: string }).socket_id;
      const own = [
        `private-orders.${ids.tenantA}`,
        `private-products.${ids.tenantA}`,
        `private-activity.${ids.tenantA}`,
      ];
      for (const channel of own) {
        const response = await fetch(`${app.url}/api/pusher/auth`, {
          method: 'POST',
          headers: { cookie: cookies[role], 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ socket_id: socketId, channel_name: channel }),
        });
        // The signature covers channel_data (who it was issued to), which the client sends back as pusher-js does.
        const { auth, channel_data } = (await response.json()) as { auth: string; channel_data: string };
        socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel, auth, channel_data } }));
      }
      // B's channels with a signature A did get (for A's own channel): refused by the server.
      const ownAuth = await fetch(`${app.url}/api/pusher/auth`, {
        method: 'POST',
        headers: { cookie: cookies[role], 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ socket_id: socketId, channel_name: `private-products.${ids.tenantA}` }),
      });
      const { auth, channel_data } = (await ownAuth.json()) as { auth: string; channel_data: string };
      for (const channel of [
        `private-products.${ids.tenantB}`,
        `private-orders.${ids.tenantB}.${ids.b.order}`,
      ]) {
        counts.pusher++;
        socket.send(JSON.stringify({ event: 'pusher:subscribe', data: { channel, auth, channel_data } }));
        const answer = await frame(
          (f) =>
            f.includes(JSON.stringify(channel)) &&
            (f.includes('pusher:subscription_error') || f.includes('subscription_succeeded')),
        );
        const refusal = answer.includes('pusher:subscription_error');
        if (!refusal)
          problems.push(`${role}: Pusher subscribe to ${channel} with A's signature was not refused`);
      }
      for (const channel of own)
        await frame((f) => f.includes('subscription_succeeded') && f.includes(JSON.stringify(channel)));
    }
  }

  it('refuses every RPC method for every role of tenant A and leaks nothing of B', async () => {
    const methods = node.services.realtime.hub.rpcMethods();
    expect(methods.length).toBeGreaterThan(20);
    for (const [role, client] of observers) {
      const full: SweepIds = { ...ids, ownConnection: '' };
      const idOf = (kind: IdKind) => full.b[kind === 'notification' ? 'notification' : kind];
      for (const { method, schema } of methods) {
        counts.rpc++;
        const used = new Set<string>();
        let params: unknown;
        try {
          params = generateParams(method, schema, idOf, used);
        } catch (error) {
          problems.push(`RPC ${method} is not covered: ${(error as Error).message}`);
          continue;
        }
        const override = rpcOverrides[method]?.(full);
        if (override && typeof params === 'object' && params) params = { ...params, ...override };
        const request = JSON.stringify(params);
        const answer = await client.request({ type: 'rpc', method, params });
        const reply = JSON.stringify(answer);
        const refused =
          (answer.type === 'ack' && !answer.ok) ||
          (answer.type === 'ack' && (rpcRefusedInResult[method]?.(answer.result) ?? false));
        const code =
          answer.type === 'ack' && !answer.ok ? answer.error.code : refused ? 'refused-in-result' : 'ok';
        outcomes.push({ entry: `rpc ${method}`, role, request, reply, refused, code });
        const targeted = [...used].some((id) => secrets.has(id));
        if (targeted && !refused && !(method in rpcFilters))
          problems.push(`${role}: rpc ${method} with B's ids was not refused: ${reply.slice(0, 300)}`);
        if (code === 'INTERNAL') problems.push(`${role}: rpc ${method} answered INTERNAL`);
        const leaks = leaksIn(reply, request);
        if (leaks.length)
          problems.push(`${role}: rpc ${method} leaked ${leaks.join(', ')}: ${reply.slice(0, 400)}`);
      }
    }
  });

  it('refuses every route handler under app/api for every role of tenant A and leaks nothing of B', async () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(20);
    for (const route of routes) {
      const table = restAttacks[route.path];
      for (const method of route.methods) {
        const attacks = table?.[method];
        if (!attacks) {
          problems.push(`${method} ${route.path} is not covered: add it to restAttacks`);
          continue;
        }
        for (const role of Object.keys(ROLES) as RoleName[]) {
          const own = observers.get(role)!.messages.find((m) => m.type === 'welcome');
          const full: SweepIds = { ...ids, ownConnection: own?.type === 'welcome' ? own.connectionId : '' };
          for (const attack of attacks(full)) {
            counts.rest++;
            const outcome = await callRoute(route.path, method, role, attack, full);
            if (outcome) outcomes.push(outcome);
          }
        }
      }
    }
    for (const path of Object.keys(restAttacks))
      if (!routes.some((route) => route.path === path))
        problems.push(`restAttacks names a route that is gone: ${path}`);
  });

  async function callRoute(
    routePath: string,
    method: string,
    role: RoleName,
    attack: HttpAttack,
    full: SweepIds,
  ): Promise<Outcome | null> {
    let path = routePath;
    for (const [, segment] of routePath.matchAll(/\[(\w+)\]/g)) {
      const kind = segmentKind(routePath, segment!);
      if (!kind) {
        problems.push(`${routePath}: say which kind of id [${segment}] holds (segmentKind)`);
        return null;
      }
      const value = attack.params?.[segment!] ?? (kind === 'connection' ? full.b.connection : full.b[kind]);
      path = path.replace(`[${segment}]`, encodeURIComponent(value));
    }
    if (attack.query) path += `?${new URLSearchParams(attack.query)}`;
    const headers: Record<string, string> = { cookie: cookies[role] };
    let body: string | undefined;
    if (attack.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(attack.json);
    } else if (attack.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(attack.form).toString();
    }
    const request = `${method} ${path} ${decodeURIComponent(path)} ${body ?? ''} ${decodeURIComponent(body ?? '')}`;
    const response = await fetch(`${app.url}${path}`, { method, headers, body, redirect: 'manual' });
    const reply = await response.text();
    const targeted =
      [...secrets].some((secret) => request.includes(secret)) || request.includes(full.tenantB);
    const refused = response.status >= 400;
    if (response.status >= 500)
      problems.push(`${role}: ${request} answered ${response.status}: ${reply.slice(0, 200)}`);
    if (targeted && !attack.filter && !refused)
      problems.push(
        `${role}: ${request} with B's ids was not refused (${response.status}): ${reply.slice(0, 300)}`,
      );
    const leaks = leaksIn(reply, request);
    if (leaks.length) problems.push(`${role}: ${request} leaked ${leaks.join(', ')}: ${reply.slice(0, 400)}`);
    return { entry: `${method} ${routePath}`, role, request, reply, refused, code: String(response.status) };
  }

  it('refuses every server action of the build for every role of tenant A and leaks nothing of B', async () => {
    const actions = builtActions(appDirectory());
    for (const source of sourceActions())
      if (!actions.some((a) => a.file === source.file && a.name === source.name))
        problems.push(`server action ${source.file}#${source.name} is missing from the build: rebuild`);
    expect(actions.length).toBeGreaterThan(5);
    for (const action of actions) {
      const attacks = actionAttacks[action.name];
      if (!attacks) {
        problems.push(`server action ${action.file}#${action.name} is not covered: add it to actionAttacks`);
        continue;
      }
      for (const role of Object.keys(ROLES) as RoleName[]) {
        for (const attack of attacks({ ...ids, ownConnection: '' })) {
          counts.actions++;
          outcomes.push(await callAction(action, role, attack));
        }
      }
    }
  });

  async function callAction(
    action: { id: string; name: string; page: string },
    role: RoleName,
    attack: ActionAttack,
  ): Promise<Outcome> {
    const headers: Record<string, string> = {
      cookie: cookies[role],
      'next-action': action.id,
      accept: 'text/x-component',
      origin: app.url,
    };
    let body: string | FormData;
    let request: string;
    if ('form' in attack) {
      // React's reply encoding: the FormData argument is "$K1" and its fields are sent prefixed with "1_".
      // The root ("0") comes last, as React sends it: the server builds the form from the fields before it.
      const form = new FormData();
      for (const [key, value] of Object.entries(attack.form)) form.set(`1_${key}`, value);
      form.set('0', JSON.stringify([attack.state, '$K1']));
      body = form;
      request = JSON.stringify(attack.form);
    } else {
      headers['content-type'] = 'text/plain;charset=UTF-8';
      body = JSON.stringify(attack.args);
      request = body;
    }
    const response = await fetch(`${app.url}${action.page}`, {
      method: 'POST',
      headers,
      body,
      redirect: 'manual',
    });
    const reply = await response.text();
    const targeted = [...secrets].some((secret) => request.includes(secret)) || request.includes(ids.tenantB);
    const refused =
      response.status >= 400 || /"ok":false/.test(reply) || /invalidCredentials|invalidInput/.test(reply);
    if (response.status >= 500) problems.push(`${role}: action ${action.name} answered ${response.status}`);
    if (targeted && !refused)
      problems.push(`${role}: action ${action.name} ${request} was not refused: ${reply.slice(0, 300)}`);
    const leaks = leaksIn(reply, request);
    if (leaks.length)
      problems.push(`${role}: action ${action.name} leaked ${leaks.join(', ')}: ${reply.slice(0, 400)}`);
    return { entry: `action ${action.name}`, role, request, reply, refused, code: String(response.status) };
  }

  it('refuses the Pusher HTTP API without the app’s signature, whoever is signed in', async () => {
    for (const role of Object.keys(ROLES) as RoleName[]) {
      for (const path of [
        `/apps/${PUSHER.id}/channels`,
        `/apps/${PUSHER.id}/channels/${encodeURIComponent(`presence-online.${ids.tenantB}`)}/users`,
        `/apps/${PUSHER.id}/channels/${encodeURIComponent(`private-products.${ids.tenantB}`)}`,
      ]) {
        counts.pusher++;
        const response = await fetch(`${app.url}${path}`, { headers: { cookie: cookies[role] } });
        const reply = await response.text();
        if (response.status !== 401) problems.push(`${role}: GET ${path} answered ${response.status}`);
        const leaks = leaksIn(reply, path);
        if (leaks.length) problems.push(`${role}: GET ${path} leaked ${leaks.join(', ')}`);
      }
      counts.pusher++;
      const trigger = await fetch(`${app.url}/apps/${PUSHER.id}/events`, {
        method: 'POST',
        headers: { cookie: cookies[role], 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'x', data: attackMarker, channel: `private-products.${ids.tenantB}` }),
      });
      if (trigger.status !== 401)
        problems.push(`${role}: unsigned Pusher trigger answered ${trigger.status}`);
    }
  });

  it('leaves tenant B unchanged, and no frame on A’s sockets (ours and Pusher’s) carries anything of B', async () => {
    // Everything published so far has reached A's sockets once this marker has (per channel order).
    await node.services.realtime.publish({
      tenantId: ids.tenantA,
      channel: 'orders',
      event: 'sweep.done',
      data: {},
    });
    for (const client of observers.values())
      await expect.poll(() => client.events('orders').some((e) => e.event === 'sweep.done')).toBe(true);
    await expect
      .poll(() => pusherFrames.filter((f) => f.text.includes('sweep.done')).length)
      .toBe(observers.size);
    // An id A sent itself may come back in an answer to A (an echoed channel name); anything else of B may not.
    const sent = outcomes.map((outcome) => outcome.request).join('\n');
    const frameSecrets = [...secrets].filter((secret) => !sent.includes(secret));
    for (const [role, client] of observers)
      for (const message of client.messages) {
        const text = JSON.stringify(message);
        const leaks = frameSecrets.filter((secret) => text.includes(secret));
        if (leaks.length)
          problems.push(`${role}: a frame on A's socket carried ${leaks.join(', ')}: ${text.slice(0, 300)}`);
      }
    for (const { role, text } of pusherFrames) {
      const leaks = frameSecrets.filter((secret) => text.includes(secret));
      if (leaks.length)
        problems.push(`${role}: a Pusher frame carried ${leaks.join(', ')}: ${text.slice(0, 300)}`);
    }
    // Nothing A published (the attack marker) reached B's rooms.
    if (bObserver.messages.some((m) => JSON.stringify(m).includes(attackMarker)))
      problems.push(`A's publish reached tenant B's room`);
    const rows = await database.db
      .select({ id: conversationParticipants.userId })
      .from(conversationParticipants)
      .where(inArray(conversationParticipants.conversationId, [ids.a.conversation]));
    if (rows.some((row) => secrets.has(row.id)))
      problems.push('a user of tenant B was added to a conversation of A');

    const byEntry = new Map<string, number>();
    for (const outcome of outcomes) byEntry.set(outcome.entry, (byEntry.get(outcome.entry) ?? 0) + 1);
    const methods = node.services.realtime.hub.rpcMethods().length;
    const routes = apiRoutes();
    const routeMethods = routes.reduce((n, r) => n + r.methods.length, 0);
    const actions = builtActions(appDirectory()).length;
    console.log(
      [
        `tenant sweep: ${Object.keys(ROLES).length} roles of tenant A against tenant B`,
        `  RPC methods ${methods} × roles 3 = ${counts.rpc} calls`,
        `  REST ${routes.length} routes / ${routeMethods} route methods × roles 3 × attacks = ${counts.rest} calls`,
        `  server actions ${actions} × roles 3 × attacks = ${counts.actions} calls`,
        `  channels ${listChannelKinds.length + singletonChannelKinds.length + entityChannelKinds.length} kinds × roles 3 × (subscribe, publish) = ${counts.channels} calls`,
        `  Pusher endpoints: ${counts.pusher} calls; frames scanned: ${[...observers.values()].reduce((n, c) => n + c.messages.length, 0)} /ws, ${pusherFrames.length} Pusher`,
        `  total ${counts.rpc + counts.rest + counts.actions + counts.channels + counts.pusher} attacks, ${problems.length} problems`,
      ].join('\n'),
    );
    if (process.env.SWEEP_DEBUG)
      for (const o of outcomes) step(`${o.role} ${o.entry} ${o.code} ${o.request.slice(0, 160)}`);
    expect(problems).toEqual([]);
    // A write that slipped through any attack would show in B's rows.
    expect(await bSnapshot()).toBe(bBefore);
  });
});
