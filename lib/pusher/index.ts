import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Env } from '../env';
import type { Logger } from '../logger';
import { connectRedis } from '../realtime/bus/redis-connection';
import type { Hub } from '../realtime/server/hub';
import { HubPusherBus, LocalPusherBus, type PusherBus } from './bus';
import { loadPusherConfig, PusherApps } from './config';
import { createDomainBridge } from './domain-bridge';
import { domainGrantJudge, domainMemberInfoLoader } from './domain-grants';
import { createPusherHttpApi } from './http-api';
import { pusherMetrics } from './metrics';
import { PusherServer } from './server';
import { MemoryPusherState } from './state/memory-state';
import { RedisPusherState } from './state/redis-state';
import type { PusherState } from './state/types';
import { WebhookSender } from './webhooks';
import { createPusherGateway } from './ws-gateway';

export type { PusherApp } from './config';
export { PusherServer } from './server';

export type Pusher = {
  server: PusherServer;
  apps: PusherApps;
  /** WebSocket upgrades on /app/{key}. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** HTTP requests on /apps/{app_id}/…. */
  handleHttp(req: IncomingMessage, res: ServerResponse): void;
  close(): Promise<void>;
};

export type PusherDeps = {
  env: Env;
  logger: Logger;
  nodeId: string;
  /** The node's hub: Pusher fan-out rides its bus, domain events are bridged from its publish path. */
  hub?: Pick<
    Hub,
    | 'onBusTopic'
    | 'publishBusTopic'
    | 'busAlone'
    | 'onPublish'
    | 'onRemoteEvent'
    | 'onUserRefresh'
    | 'storedUser'
  > & {
    metrics?: { registry: Registry };
  };
  /** The process's shared Redis command connection (not closed here); without it and with REDIS_URL, its own. */
  redis?: Redis | null;
};

/** Builds the Pusher protocol side of one node from the environment. */
export function createPusher(deps: PusherDeps): Pusher {
  const { env, nodeId, hub } = deps;
  const logger = deps.logger.child({ module: 'pusher' });
  const apps = new PusherApps(loadPusherConfig(env));
  if (apps.all().some((app) => app.secret === 'app-secret'))
    logger.warn(
      'serving the development Pusher app (app-id / app-key / app-secret); set PUSHER_APP_* in production',
    );

  // The process's shared command connection when there is one (a standalone Pusher server opens its own).
  const ownRedis =
    !deps.redis && env.REDIS_URL
      ? connectRedis(env.REDIS_URL, logger, `osl-pusher-${nodeId}`, env.REDIS_RETRY_MAX_MS)
      : null;
  const redis = deps.redis ?? ownRedis;
  const state: PusherState = redis
    ? new RedisPusherState({
        redis,
        prefix: env.REDIS_PREFIX,
        nodeId,
        appIds: apps.all().map((app) => app.id),
        ttlSeconds: env.PRESENCE_TTL_SECONDS,
      })
    : new MemoryPusherState();
  const bus: PusherBus = hub
    ? new HubPusherBus(hub, (error) => logger.warn({ err: String(error) }, 'pusher bus error'))
    : new LocalPusherBus();
  const metrics = hub?.metrics ? pusherMetrics(hub.metrics.registry) : undefined;
  const webhooks = new WebhookSender({ logger, onOutcome: metrics?.webhook });
  const server = new PusherServer({
    apps,
    state,
    bus,
    webhooks,
    logger,
    observer: metrics,
    domainAppId: hub ? apps.defaultApp()?.id : undefined,
    grants: hub ? domainGrantJudge((tenantId, userId) => hub.storedUser(tenantId, userId)) : undefined,
    memberInfo: hub
      ? domainMemberInfoLoader((tenantId, userId) => hub.storedUser(tenantId, userId))
      : undefined,
    limits: {
      messagesPerSecond: env.WS_MESSAGES_PER_SECOND,
      burst: env.WS_BURST,
      maxSubscriptions: env.WS_MAX_SUBSCRIPTIONS,
      slowConsumerBytes: env.WS_SLOW_CONSUMER_BYTES,
    },
  });
  const gateway = createPusherGateway({ server, logger, maxPayload: env.WS_MAX_FRAME_BYTES });
  const handleHttp = createPusherHttpApi({ server, state, logger });
  const defaultApp = apps.defaultApp();
  const unbridge: Array<() => void> = [];
  if (hub && defaultApp) {
    const bridge = createDomainBridge(server, defaultApp.id);
    unbridge.push(hub.onPublish(bridge.published), hub.onRemoteEvent(bridge.received));
  }
  // A role change, deactivation or sign-out (from any node, or a database notification) re-checks this node's
  // Pusher connections as it re-checks the native sockets; a re-check that could not read the user is retried by
  // the hub until it succeeds.
  const unrefresh = hub ? hub.onUserRefresh((user) => server.recheckGrants(user)) : () => {};

  return {
    server,
    apps,
    handleUpgrade: gateway.handleUpgrade,
    handleHttp,
    async close() {
      for (const stop of unbridge) stop();
      unrefresh();
      await server.close();
      await gateway.close();
      await webhooks.close();
      await bus.close();
      await state.close();
      ownRedis?.disconnect();
    },
  };
}
