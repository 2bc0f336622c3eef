import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { Counter } from 'prom-client';
import { publishWithActivity } from '../activity/catalog-activity';
import { registerCollaboration } from '../activity/register';
import { ensureFirstAdmin } from '../admin/first-admin';
import { createPeopleService, type PeopleService } from '../admin/people-service';
import { LoginThrottle } from '../auth/login-throttle';
import { resolveSessionSecret } from '../auth/secret';
import { sessionKey } from '../auth/session';
import { createCatalog } from '../catalog';
import { createDb, type Database } from '../db/create-db';
import { seedIfEmpty } from '../db/seed';
import { type Env, seedsDemoData } from '../env';
import { createLogger, type Logger } from '../logger';
import { registerMessaging } from '../messaging/register';
import { createOutboxRelay } from '../outbox/relay';
import { createPusher } from '../pusher';
import { createRealtime, type Realtime } from '../realtime/server';
import { clearServices, registerServices, type Services } from './services';

/** The process's parts, built once by createApp; start.ts puts them on an HTTP server (and Next). */
export type App = {
  services: Services;
  /** `/metrics` and the Pusher HTTP API; false when the request is not theirs (Next or a 404 takes it). */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** `/ws` and the Pusher socket path; false when the upgrade is not theirs. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Stops every part; `beforeDatabase` runs once the realtime layer is down, before the database closes. */
  close(beforeDatabase?: () => void): Promise<void>;
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

/**
 * The one composition root: from the environment, builds the database (migrated, seeded on the embedded default),
 * the realtime layer (hub, bus, one pair of Redis connections), the Pusher endpoint, the people service, messaging,
 * collaboration (sync, locks, comments), the catalog and the outbox relay, and registers them as the process's
 * one `Services` (route handlers and server actions reach them through getServices()).
 */
export async function createApp(env: Env, options: { database?: Database } = {}): Promise<App> {
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
  services.messaging = messaging.messaging;
  const collaboration = registerCollaboration(services);
  // The catalog's status change commits through the same sync service as the order editor.
  services.collaboration = collaboration;
  // Domain events committed with their writes (lib/outbox), published through the hub with their activity entries.
  const outboxGaps = new Counter({
    name: 'osl_outbox_gaps_total',
    help: 'Missing outbox events found by the relay (the aggregate waits for them instead of skipping)',
    registers: [realtime.hub.metrics.registry],
  });
  const publishDomain = publishWithActivity((input) => realtime.publish(input), { db: database.db, logger });
  const outbox = createOutboxRelay({
    db: database.db,
    publish: publishDomain,
    logger,
    onGap: () => outboxGaps.inc(),
  });
  services.outbox = outbox;
  services.catalog = createCatalog({
    sync: collaboration.sync,
    db: database.db,
    publish: publishDomain,
    logger,
    outbox,
  });
  outbox.start();

  let closing: Promise<void> | undefined;
  return {
    services,
    handleHttp(req, res) {
      const pathname = (req.url ?? '/').split('?')[0];
      if (pathname === '/metrics') {
        void realtime.metrics().then(({ contentType, body }) => {
          res.writeHead(200, { 'content-type': contentType });
          res.end(body);
        });
        return true;
      }
      if (pathname?.startsWith('/apps/')) {
        pusher.handleHttp(req, res);
        return true;
      }
      return false;
    },
    handleUpgrade(req, socket, head) {
      const pathname = (req.url ?? '/').split('?')[0] ?? '/';
      const realtimePath = pathname === '/ws' || pathname.startsWith('/app/');
      if (!realtimePath) return false;
      // REALTIME_ENABLED=false: no sockets at all; the pages fall back to polling (lib/live).
      if (!env.REALTIME_ENABLED) socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      else if (pathname === '/ws') realtime.handleUpgrade(req, socket, head);
      else pusher.handleUpgrade(req, socket, head);
      return true;
    },
    close(beforeDatabase) {
      closing ??= (async () => {
        await pusher.close();
        await outbox.stop();
        await collaboration.close();
        await messaging.close();
        await unlisten();
        await realtime.close();
        beforeDatabase?.();
        await database.close();
        clearServices();
      })();
      return closing;
    },
  };
}
