import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Counter } from 'prom-client';
import { publishWithActivity } from '../activity/catalog-activity';
import { registerCollaboration } from '../activity/register';
import { ensureFirstAdmin } from '../admin/first-admin';
import { createPeopleService, type PeopleService } from '../admin/people-service';
import { LoginThrottle } from '../auth/login-throttle';
import { resolveSessionSecret } from '../auth/secret';
import { sessionKey } from '../auth/session';
import { createDb, type Database } from '../db/create-db';
import { seedIfEmpty } from '../db/seed';
import { type Env, seedsDemoData } from '../env';
import { createLogger, type Logger } from '../logger';
import { registerMessaging } from '../messaging/register';
import { createOutboxRelay } from '../outbox/relay';
import { createPusher } from '../pusher';
import { createRealtime, type Realtime } from '../realtime/server';
import { announceListening } from './ready';
import { clearServices, registerServices, type Services } from './services';

export type StartOptions = {
  env: Env;
  /** Serve the Next app too (false in integration tests of the realtime layer and the API-less benchmarks). */
  withNext: boolean;
  /** Use this database instead of creating one from the environment (tests). */
  database?: Database;
};

export type RunningServer = {
  port: number;
  url: string;
  services: Services;
  close(): Promise<void>;
};

/**
 * A user row changed in the database (the admin API, or anyone in SQL; the trigger of migration 0007): this node
 * forgets its cached copy and re-checks the user's sockets, native and Pusher, within the notification's delay.
 * Notifications missed while the listening connection was down re-check every user. A change made outside the admin
 * API (in SQL) is announced to the tenant's open admin consoles by the first node to claim it.
 */
async function listenForUserChanges(
  database: Database,
  realtime: Realtime,
  people: PeopleService,
  logger: Logger,
): Promise<() => Promise<void>> {
  try {
    return await database.listen('osl_user_changed', {
      // `tenant:user:txid:origin` (migration 0009); the admin API announces its own changes to the consoles.
      onNotify: (payload) => {
        const [tenantId, userId, change, origin] = payload.split(':');
        if (!tenantId || !userId) return;
        realtime.hub.refreshUserLocally(tenantId, userId).catch((error: Error) => {
          logger.warn({ err: error.message, userId }, 'user refresh after notification failed');
        });
        if (change && origin !== 'admin')
          people.noticeOutsideChange(tenantId, userId, change).catch((error: Error) => {
            logger.warn(
              { err: error.message, userId },
              'a change made outside the console was not announced',
            );
          });
      },
      onMissed: () => realtime.hub.refreshAllUsersLocally(),
    });
  } catch (error) {
    // Without LISTEN (a pooler in transaction mode) changes still reach every node over the bus from the admin API.
    logger.warn({ err: String(error) }, 'not listening for user changes; SQL edits of users are not noticed');
    return async () => {};
  }
}

/** Wires database, realtime layer and (optionally) Next onto one HTTP server. server.ts and tests call it. */
export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { env } = options;
  const nodeId = randomUUID().slice(0, 8);
  const logger = createLogger(env.LOG_LEVEL, { node: nodeId });
  const database =
    options.database ??
    (await createDb({ databaseUrl: env.DATABASE_URL, dataDir: path.join(env.DATA_DIR, 'pglite') }));
  if (!options.database) {
    await database.migrate();
    // Demo data belongs to the embedded default (or SEED=true); production asks for its first admin instead.
    if (seedsDemoData(env) && (await seedIfEmpty(database.db))) logger.info('seeded demo data');
    await ensureFirstAdmin(database.db, env, logger);
  }
  const key = sessionKey(resolveSessionSecret(env.SESSION_SECRET, env.DATA_DIR));
  const realtime = await createRealtime({ env, database, logger, nodeId, sessionKey: key });
  const pusher = createPusher({ env, logger, nodeId, hub: realtime.hub, redis: realtime.redis });
  const services: Services = {
    env,
    nodeId,
    database,
    logger,
    sessionKey: key,
    loginThrottle: new LoginThrottle(),
    realtime,
    people: createPeopleService({
      db: database.db,
      logger,
      refreshUser: (tenantId, userId) => realtime.hub.refreshUser(tenantId, userId),
      presence: (tenantId) => realtime.hub.presence(tenantId),
      publish: (input) => realtime.publish(input),
      claimOnce: (key) => realtime.claimOnce(key),
    }),
  };
  const unlisten = await listenForUserChanges(database, realtime, services.people, logger);
  registerServices(services);
  const messaging = registerMessaging(services);
  const collaboration = registerCollaboration(services);
  // The catalog's status change commits through the same sync service as the order editor.
  services.collaboration = collaboration;
  // Domain events committed with their writes (lib/outbox), published through the hub with their activity entries.
  const outboxGaps = new Counter({
    name: 'osl_outbox_gaps_total',
    help: 'Missing outbox events found by the relay (the aggregate waits for them instead of skipping)',
    registers: [realtime.hub.metrics.registry],
  });
  const outbox = createOutboxRelay({
    db: database.db,
    publish: publishWithActivity((input) => realtime.publish(input), { db: database.db, logger }),
    logger,
    onGap: () => outboxGaps.inc(),
  });
  services.outbox = outbox;
  outbox.start();

  const dev = env.NODE_ENV !== 'production';
  // Next attaches its own upgrade listener to the server it is given; a decoy that never listens keeps it away
  // from /ws while dev hot reload upgrades are re-emitted on it. Next is created once the real port is known
  // (PORT=0 picks one), because it uses the port for its own internal requests.
  const decoy = http.createServer();
  let nextHandler: http.RequestListener | undefined;
  let markNextReady: () => void = () => {};
  const nextReady = new Promise<void>((resolve) => {
    markNextReady = resolve;
  });
  const handleWithNext: http.RequestListener = (req, res) => {
    if (nextHandler) return nextHandler(req, res);
    void nextReady.then(() => nextHandler?.(req, res));
  };

  const server = http.createServer((req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname === '/metrics') {
      void realtime.metrics().then(({ contentType, body }) => {
        res.writeHead(200, { 'content-type': contentType });
        res.end(body);
      });
      return;
    }
    if (pathname?.startsWith('/apps/')) return pusher.handleHttp(req, res);
    if (options.withNext) return handleWithNext(req, res);
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'NOT_FOUND', message: 'Not found' } }));
  });
  server.on('upgrade', (req, socket, head) => {
    const pathname = (req.url ?? '/').split('?')[0] ?? '/';
    const realtimePath = pathname === '/ws' || pathname.startsWith('/app/');
    // REALTIME_ENABLED=false: no sockets at all; the pages fall back to polling (lib/live).
    if (realtimePath && !env.REALTIME_ENABLED) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    if (pathname.startsWith('/app/')) return pusher.handleUpgrade(req, socket, head);
    if (pathname === '/ws') return realtime.handleUpgrade(req, socket, head);
    if (dev && options.withNext && pathname.startsWith('/_next/')) {
      decoy.emit('upgrade', req, socket, head);
      return;
    }
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.PORT, env.HOST, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const hostname = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  const url = `http://${hostname}:${port}`;
  if (options.withNext) {
    const { default: next } = await import('next');
    const app = next({ dev, dir: process.cwd(), hostname, port, httpServer: decoy });
    await app.prepare();
    const handle = app.getRequestHandler();
    nextHandler = (req, res) => void handle(req, res);
    markNextReady();
  }
  announceListening(logger, { port, url, database: database.kind, dev }, process.stdout);

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      server.close();
      await pusher.close();
      await outbox.stop();
      await collaboration.close();
      await messaging.close();
      await unlisten();
      await realtime.close();
      server.closeAllConnections();
      await database.close();
      clearServices();
    })();
    return closing;
  };
  return { port, url, services, close };
}
