import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import Echo from 'laravel-echo';
import Pusher from 'pusher-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findUserForSignIn, type SessionUser } from '../../lib/db/queries/users';
import { parseEnv } from '../../lib/env';
import type { PusherApp } from '../../lib/pusher';
import { defaultPusherApp } from '../../lib/pusher/auth-request';
import { authenticateDomainUser, authorizeDomainChannel } from '../../lib/pusher/domain-auth';
import { type RunningServer, startServer } from '../../lib/server/start';
import { redisAvailable, TEST_REDIS_URL } from '../support/services';
import { createTestDatabase } from '../support/test-db';
import { deleteRedisPrefix } from './pusher-helpers';

const DEFAULT_APP = { PUSHER_APP_ID: 'omni', PUSHER_APP_KEY: 'omni-key', PUSHER_APP_SECRET: 'omni-secret' };
const useRedis = await redisAvailable();
const ORDER_ID = '5f2b8c1e-7a3d-4e9f-8b6a-1c2d3e4f5a6b';

type Node = { server: RunningServer; app: PusherApp };

/** A pusher-js client whose authorizer is the auth endpoint's logic, for a given signed-in user. */
function clientFor(node: Node, user: SessionUser) {
  return new Pusher(node.app.key, {
    cluster: 'mt1',
    wsHost: '127.0.0.1',
    wsPort: node.server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/api/pusher/auth',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        void authorizeDomainChannel(user, node.app, { socketId, channel: channelName }).then((reply) =>
          reply.status === 200 ? callback(null, reply.body) : callback(new Error(reply.body.error), null),
        );
      },
    },
    userAuthentication: {
      endpoint: '/api/pusher/user-auth',
      transport: 'ajax',
      customHandler: ({ socketId }, callback) => {
        const reply = authenticateDomainUser(user, node.app, socketId);
        if (reply.status === 200) callback(null, reply.body);
        else callback(new Error(reply.body.error), null);
      },
    },
  });
}

function subscription(client: Pusher, channelName: string): Promise<'ok' | 'refused'> {
  const channel = client.subscribe(channelName);
  return new Promise((resolve) => {
    channel.bind('pusher:subscription_succeeded', () => resolve('ok'));
    channel.bind('pusher:subscription_error', () => resolve('refused'));
  });
}

describe(`Omni-Sales domain events on Laravel-style Pusher channels (${useRedis ? 'two nodes on Redis' : 'one node'})`, () => {
  const prefix = `osl-pusher-domain-${randomBytes(4).toString('hex')}`;
  const nodes: Node[] = [];
  const clients: Pusher[] = [];
  const users: Record<string, SessionUser> = {};

  beforeAll(async () => {
    for (let i = 0; i < (useRedis ? 2 : 1); i++) {
      const database = await createTestDatabase('pglite');
      const env = parseEnv({
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        ...DEFAULT_APP,
        ...(useRedis ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix } : {}),
      });
      const server = await startServer({ env, withNext: false, database });
      nodes.push({
        server,
        app: defaultPusherApp(env)!,
      });
      if (i === 0)
        for (const email of [
          'admin@siam.example',
          'anna@siam.example',
          'viewer@siam.example',
          'olivia@northwind.example',
        ]) {
          const row = await findUserForSignIn(database.db, email);
          if (!row) throw new Error(`seed user ${email} missing`);
          const { passwordHash: _, ...user } = row;
          users[email.split('@')[0]!] = user;
        }
    }
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(async () => {
    for (const node of nodes) await node.server.close();
    if (useRedis) await deleteRedisPrefix(prefix);
  });
  const track = (client: Pusher) => {
    clients.push(client);
    return client;
  };

  it('mirrors a hub publish on one node to private-products.{tenant} for Echo on another', async () => {
    const publisher = nodes[0]!;
    const listener = nodes[nodes.length - 1]!;
    const anna = users.anna!;
    const client = track(clientFor(listener, anna));
    const echo = new Echo({ broadcaster: 'pusher', key: listener.app.key, cluster: 'mt1', client });
    const received = new Promise<unknown>((resolve) => {
      echo.private(`products.${anna.tenantId}`).listen('.product.updated', resolve);
    });
    await expect
      .poll(() => client.channel(`private-products.${anna.tenantId}`)?.subscribed ?? false)
      .toBe(true);
    await publisher.server.services.realtime.publish({
      tenantId: anna.tenantId,
      channel: 'products',
      event: 'product.updated',
      data: { id: 'p-1', stock: 4 },
      actor: { id: anna.id, name: anna.name },
    });
    expect(await received).toEqual({ id: 'p-1', stock: 4, actor: { id: anna.id, name: anna.name } });
  });

  // Every node mirrors the hub events it sees to its own Pusher listeners: the event crosses the bus once, as the
  // hub's event, and no Pusher frame of it follows on the bus.
  it('delivers each bridged event once and in order on every node, with no Pusher frame on the bus', async () => {
    const anna = users.anna!;
    const channel = `private-orders.${anna.tenantId}.${ORDER_ID}`;
    const seen = nodes.map(() => [] as unknown[]);
    for (const [i, node] of nodes.entries()) {
      const client = track(clientFor(node, anna));
      const echo = new Echo({ broadcaster: 'pusher', key: node.app.key, cluster: 'mt1', client });
      echo.private(`orders.${anna.tenantId}.${ORDER_ID}`).listen('.order.updated', (data: unknown) => {
        seen[i]!.push(data);
      });
      await expect.poll(() => client.channel(channel)?.subscribed ?? false).toBe(true);
    }
    const messages: string[] = [];
    const topics = () => messages.map((message) => message.split('\n')[1]);
    const watcher = useRedis ? new Redis(TEST_REDIS_URL) : undefined;
    if (watcher) {
      watcher.on('message', (_channel: string, message: string) => messages.push(message));
      await watcher.subscribe(`${prefix}:bus`);
    }
    try {
      // Each node publishes in turn, the next once the last reached everyone: events of one channel published on
      // different nodes have no order between them on Pusher (a node delivers its own at once, the others' when
      // the bus brings them); an order's edits are all published by the node that owns it.
      const sent = Array.from({ length: 6 }, (_, n) => ({ n, actor: { id: anna.id, name: anna.name } }));
      for (const { n } of sent) {
        await nodes[n % nodes.length]!.server.services.realtime.publish({
          tenantId: anna.tenantId,
          channel: `order:${ORDER_ID}`,
          event: 'order.updated',
          data: { n },
          actor: { id: anna.id, name: anna.name },
        });
        for (const list of seen) await expect.poll(() => list.length).toBeGreaterThanOrEqual(n + 1);
      }
      for (const list of seen) expect(list).toEqual(sent);
      if (watcher) {
        // Every event of the order crossed the bus as the hub's event: one each (node, topic, key, …).
        const orderKey = `${anna.tenantId}:order:${ORDER_ID}`;
        const ofOrder = () => messages.filter((m) => m.split('\n')[2] === orderKey);
        await expect.poll(() => ofOrder().length).toBe(sent.length);
        expect(ofOrder().map((m) => m.split('\n')[1])).toEqual(sent.map(() => 'e'));
        expect(topics()).not.toContain('pusher');
      }
    } finally {
      watcher?.disconnect();
    }
  });

  it('refuses client events (whispers) on domain channels: only the server writes them', async () => {
    const node = nodes[0]!;
    const viewer = users.viewer!;
    const client = track(clientFor(node, viewer));
    const name = `private-products.${viewer.tenantId}`;
    expect(await subscription(client, name)).toBe('ok');
    const refused = new Promise<string>((resolve) => {
      client.connection.bind('error', (error: { data?: { message?: string } }) =>
        resolve(error.data?.message ?? ''),
      );
    });
    client.channel(name)!.trigger('client-typing', { fake: 'product.updated' });
    expect(await refused).toContain('written by the server only');
  });

  it('signs only channels of the user’s tenant and role', async () => {
    const node = nodes[0]!;
    const { anna, viewer, admin, olivia } = users as Record<string, SessionUser>;
    const tenant = anna!.tenantId;
    expect(await subscription(track(clientFor(node, anna!)), `private-orders.${tenant}`)).toBe('ok');
    expect(await subscription(track(clientFor(node, viewer!)), `private-products.${tenant}`)).toBe('ok');
    expect(await subscription(track(clientFor(node, olivia!)), `private-products.${tenant}`)).toBe('refused');
    expect(await subscription(track(clientFor(node, anna!)), `private-admin.${tenant}`)).toBe('refused');
    expect(await subscription(track(clientFor(node, admin!)), `private-admin.${tenant}`)).toBe('ok');
    expect(await subscription(track(clientFor(node, anna!)), `private-App.Models.User.${anna!.id}`)).toBe(
      'ok',
    );
    expect(await subscription(track(clientFor(node, anna!)), `private-App.Models.User.${viewer!.id}`)).toBe(
      'refused',
    );
    expect(await subscription(track(clientFor(node, anna!)), 'private-something-else')).toBe('refused');
  });

  it('joins presence-online.{tenant} with name and role, and delivers the user notification channel', async () => {
    const node = nodes[nodes.length - 1]!;
    const { anna, admin } = users as Record<string, SessionUser>;
    const tenant = anna!.tenantId;
    expect(await subscription(track(clientFor(nodes[0]!, admin!)), `presence-online.${tenant}`)).toBe('ok');
    const annaClient = track(clientFor(node, anna!));
    const echo = new Echo({ broadcaster: 'pusher', key: node.app.key, cluster: 'mt1', client: annaClient });
    const here = await new Promise<unknown[]>((resolve) => {
      echo.join(`online.${tenant}`).here((members: unknown[]) => resolve(members));
    });
    expect(here).toEqual(
      expect.arrayContaining([
        { name: anna!.name, role: 'sales' },
        { name: admin!.name, role: 'admin' },
      ]),
    );
    expect(here).toHaveLength(2);
    const note = new Promise<unknown>((resolve) => {
      echo.private(`App.Models.User.${anna!.id}`).listen('.notification', resolve);
    });
    await expect
      .poll(() => annaClient.channel(`private-App.Models.User.${anna!.id}`)?.subscribed ?? false)
      .toBe(true);
    await nodes[0]!.server.services.realtime.publish({
      tenantId: tenant,
      channel: `user:${anna!.id}`,
      event: 'notification',
      data: { text: 'hello' },
    });
    expect(await note).toEqual({ text: 'hello' });
  });
});
