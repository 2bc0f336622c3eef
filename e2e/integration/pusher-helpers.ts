import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Echo from 'laravel-echo';
import PusherServerLib from 'pusher';
import Pusher from 'pusher-js';
import WebSocket from 'ws';
import { parseEnv } from '../../lib/env';
import { createLogger } from '../../lib/logger';
import { connectRedis } from '../../lib/realtime/bus/redis-connection';
import { type RunningServer, startServer } from '../../lib/server/start';
import { TEST_REDIS_URL } from '../support/services';
import { createTestDatabase } from '../support/test-db';

export const APP = { id: 'test-app', key: 'test-key', secret: 'test-secret' };
export const SMALL_APP = { id: 'small-app', key: 'small-key', secret: 'small-secret' };
export const ORIGIN_APP = { id: 'origin-app', key: 'origin-key', secret: 'origin-secret' };
export const DISABLED_APP = { id: 'disabled-app', key: 'disabled-key', secret: 'disabled-secret' };

export type WebhookCall = { headers: http.IncomingHttpHeaders; rawBody: string };

/** A local HTTP endpoint that records every webhook POST it receives. */
export async function startWebhookReceiver() {
  const calls: WebhookCall[] = [];
  let failuresLeft = 0;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    req.on('end', () => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        res.writeHead(503).end();
        return;
      }
      calls.push({ headers: req.headers, rawBody: body });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    calls,
    failNext(n: number) {
      failuresLeft = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Node = { server: RunningServer; host: string; port: number };

export type Cluster = {
  nodes: Node[];
  /** Two nodes on Redis, or the same node twice on the in-process bus. */
  a: Node;
  b: Node;
  close(): Promise<void>;
};

/** One server, or two on Redis with a unique key prefix (deleted afterwards), both with the test apps. */
export async function startCluster(options: {
  redis: boolean;
  webhookUrl?: string;
  appOverrides?: Record<string, unknown>;
}): Promise<Cluster> {
  const prefix = `osl-pusher-test-${randomBytes(4).toString('hex')}`;
  const apps = [
    {
      ...APP,
      activityTimeout: 1,
      pongTimeout: 1,
      maxEventPayloadBytes: 2048,
      webhooks: options.webhookUrl ? [{ url: options.webhookUrl }] : [],
      ...options.appOverrides,
    },
    { ...SMALL_APP, maxPresenceMembers: 2, clientEvents: false, maxConnections: 3 },
    { ...ORIGIN_APP, allowedOrigins: ['https://shop.example'] },
    { ...DISABLED_APP, enabled: false },
  ];
  const nodes: Node[] = [];
  for (let i = 0; i < (options.redis ? 2 : 1); i++) {
    const database = await createTestDatabase('pglite');
    const env = parseEnv({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      PUSHER_APPS: JSON.stringify(apps),
      PRESENCE_TTL_SECONDS: '3',
      ...(options.redis ? { REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix } : {}),
    });
    const server = await startServer({ env, withNext: false, database });
    nodes.push({ server, host: '127.0.0.1', port: server.port });
  }
  const a = nodes[0]!;
  const b = nodes[1] ?? a;
  return {
    nodes,
    a,
    b,
    async close() {
      // Closing a server closes the (PGlite) database it was given.
      for (const node of nodes) await node.server.close();
      if (options.redis) await deleteRedisPrefix(prefix);
    },
  };
}

export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const redis = connectRedis(TEST_REDIS_URL, createLogger('silent'), 'osl-pusher-test-cleanup');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}

/** The official Pusher server library pointed at one node. */
export function serverLib(node: Node, app = APP) {
  return new PusherServerLib({
    appId: app.id,
    key: app.key,
    secret: app.secret,
    host: node.host,
    port: String(node.port),
    useTLS: false,
  });
}

/** The official library used only to sign (channel authorization, user authentication). */
export function signerFor(app: { id: string; key: string; secret: string }) {
  return new PusherServerLib({ appId: app.id, key: app.key, secret: app.secret, cluster: 'mt1' });
}

type UserInfo = { id: string; info?: Record<string, unknown> };

/** A pusher-js client on a node; private and presence subscriptions are signed by the official server library. */
export function pusherClient(
  node: Node,
  options: { user?: UserInfo; app?: typeof APP; badAuth?: boolean } = {},
) {
  const app = options.app ?? APP;
  const signer = signerFor({ ...app, secret: options.badAuth ? 'wrong' : app.secret });
  return new Pusher(app.key, {
    cluster: 'mt1',
    wsHost: node.host,
    wsPort: node.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId, channelName }, callback) => {
        const presence = channelName.startsWith('presence-') && options.user;
        callback(
          null,
          presence
            ? signer.authorizeChannel(socketId, channelName, {
                user_id: options.user!.id,
                user_info: options.user!.info ?? {},
              })
            : signer.authorizeChannel(socketId, channelName),
        );
      },
    },
    userAuthentication: {
      endpoint: '/unused',
      transport: 'ajax',
      customHandler: ({ socketId }, callback) => {
        callback(null, signer.authenticateUser(socketId, { id: options.user?.id ?? 'nobody' }));
      },
    },
  });
}

export function connected(client: Pusher): Promise<string> {
  return new Promise((resolve) => {
    if (client.connection.state === 'connected') return resolve(client.connection.socket_id);
    client.connection.bind('connected', () => resolve(client.connection.socket_id));
  });
}

/** Laravel Echo on top of a pusher-js client (Echo's own subscription API, our server underneath). */
export function echoClient(client: Pusher) {
  return new Echo({ broadcaster: 'pusher', key: APP.key, cluster: 'mt1', client });
}

/** A raw WebSocket for what real clients never send; frames are parsed and queued for `next()`. */
export async function rawSocket(
  node: Node,
  path: string,
  options: { autoPong?: boolean; origin?: string } = {},
) {
  const ws = new WebSocket(`ws://${node.host}:${node.port}${path}`, {
    autoPong: options.autoPong ?? true,
    ...(options.origin ? { origin: options.origin } : {}),
  });
  const frames: { event: string; channel?: string; data?: unknown; user_id?: string }[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    frames.push(JSON.parse(data.toString()));
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const consumed = new Set<number>();
  return {
    ws,
    frames,
    closed,
    send(message: unknown) {
      ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    /** The first frame not yet taken that matches the predicate, waiting for it if needed. */
    async next(predicate: (frame: (typeof frames)[number]) => boolean = () => true) {
      for (;;) {
        const index = frames.findIndex((frame, i) => !consumed.has(i) && predicate(frame));
        if (index !== -1) {
          consumed.add(index);
          return frames[index]!;
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
  };
}

export function socketIdOf(frame: { data?: unknown }): string {
  return (JSON.parse(frame.data as string) as { socket_id: string }).socket_id;
}
