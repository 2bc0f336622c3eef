import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import { z } from 'zod';
import { readCookie, SESSION_COOKIE, type SessionCheck, type SessionClaims } from '../../auth/session';
import { sessionState } from '../../auth/session-state';
import type { Database } from '../../db/create-db';
import type { Env } from '../../env';
import type { Logger } from '../../logger';
import { createBackends, type SharedMemory } from '../bus';
import { RealtimeError } from './errors';
import { type Authentication, createGateway } from './gateway';
import { Hub, type PublishInput } from './hub';
import { createLastSeenWriter } from './last-seen';
import { createTokenVerifier } from './session-cache';
import { databaseUserDirectory, type StoredUser } from './user-directory';

export { RealtimeError } from './errors';
export type { ConnectionInfo, Hub, NodeStats, PublishInput, RpcContext } from './hub';
export type { PresenceChange } from './presence-tracker';

export type RealtimeDeps = {
  env: Env;
  database: Database;
  logger: Logger;
  nodeId: string;
  sessionKey: Uint8Array;
  /** In-process backends shared by several servers of one process (tests); ignored with REDIS_URL. */
  sharedMemory?: SharedMemory;
};

export type Realtime = {
  hub: Hub;
  /** The process's one Redis command connection (null without REDIS_URL); features share it, never open their own. */
  redis: Redis | null;
  publish(input: PublishInput): Promise<{ epoch: string; seq: number }>;
  /** True for the first caller on any node to claim `key` (the dedupe store, kept for its TTL). */
  claimOnce(key: string): Promise<boolean>;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  metrics(): Promise<{ contentType: string; body: string }>;
  health(): Promise<{ bus: 'memory' | 'redis'; ok: boolean }>;
  close(): Promise<void>;
};

/** Composes bus, stores, hub and gateway; start.ts calls it once per process. */
export async function createRealtime(deps: RealtimeDeps): Promise<Realtime> {
  const { env, database, nodeId, sessionKey } = deps;
  const logger = deps.logger.child({ component: 'realtime' });
  const backends = createBackends({ env, nodeId, logger, shared: deps.sharedMemory });
  const users = databaseUserDirectory(database);
  const verify = createTokenVerifier(sessionKey);
  const lastSeen = createLastSeenWriter(database, logger);
  const hub = new Hub({
    nodeId,
    logger,
    backends,
    loadUser: (tenantId, userId) => users.load(tenantId, userId),
    peekUser: (tenantId, userId) => users.peek(tenantId, userId),
    forgetUser: (tenantId, userId) => users.forget(tenantId, userId),
    forgetAllUsers: () => users.forgetAll(),
    userLeft: (_tenantId, userId) => lastSeen.left(userId),
    limits: {
      maxFrameBytes: env.WS_MAX_FRAME_BYTES,
      messagesPerSecond: env.WS_MESSAGES_PER_SECOND,
      burst: env.WS_BURST,
      maxSubscriptions: env.WS_MAX_SUBSCRIPTIONS,
      maxConnectionsPerUser: env.WS_MAX_CONNECTIONS_PER_USER,
      heartbeatMs: env.WS_HEARTBEAT_MS,
      slowConsumerBytes: env.WS_SLOW_CONSUMER_BYTES,
      presenceTtlMs: env.PRESENCE_TTL_SECONDS * 1000,
      presenceIdleMs: env.PRESENCE_IDLE_SECONDS * 1000,
    },
  });
  new Gauge({
    name: 'osl_realtime_users_cached',
    help: 'Users this node holds for session checks (a socket of theirs opens without a database read)',
    registers: [hub.metrics.registry],
    collect() {
      this.set(users.size());
    },
  });
  hub.registerRpc('admin.stats', z.object({}).optional(), (ctx) => {
    if (ctx.user.role !== 'admin') throw new RealtimeError('FORBIDDEN');
    return hub.stats();
  });
  /** A verified session against the stored user: synchronous when the user is cached (a storm's common case). */
  function withSession(session: SessionCheck): Authentication | Promise<Authentication> {
    if (!session.ok)
      return { ok: false, refusal: session.reason === 'expired' ? 'sessionExpired' : 'unauthorized' };
    const { claims } = session;
    const cached = users.peek(claims.tenantId, claims.userId);
    if (cached !== undefined) return withUser(claims, cached);
    return users.load(claims.tenantId, claims.userId).then((stored) => withUser(claims, stored));
  }
  function withUser(claims: SessionClaims, stored: StoredUser | null): Authentication {
    // A token for a user who no longer exists is no session at all.
    if (!stored) return { ok: false, refusal: 'unauthorized' };
    const state = sessionState(stored, claims);
    if (state !== 'valid')
      return { ok: false, refusal: state === 'deactivated' ? 'deactivated' : 'sessionRevoked' };
    const user = { id: stored.id, tenantId: stored.tenantId, role: stored.role, name: stored.name };
    return { ok: true, user, expiresAt: claims.expiresAt, sessionVersion: claims.sessionVersion };
  }
  const gateway = createGateway({
    env,
    hub,
    logger,
    authenticate: (req) => {
      const session = verify(readCookie(req.headers.cookie, SESSION_COOKIE));
      return session instanceof Promise ? session.then(withSession) : withSession(session);
    },
  });
  logger.info({ bus: backends.bus.kind }, 'realtime ready');
  return {
    hub,
    redis: backends.redis,
    publish: (input) => hub.publish(input),
    claimOnce: async (key) => (await backends.dedupe.claim('node', key)).state === 'new',
    handleUpgrade: gateway.handleUpgrade,
    metrics: async () => ({
      contentType: hub.metrics.registry.contentType,
      body: await hub.metrics.registry.metrics(),
    }),
    health: async () => ({ bus: backends.bus.kind, ok: backends.bus.healthy() }),
    close: async () => {
      await hub.shutdown();
      gateway.close();
      await lastSeen.flush();
      await backends.close();
    },
  };
}
