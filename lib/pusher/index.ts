import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Env } from '../env';
import type { Logger } from '../logger';
import { connectRedis } from '../realtime/bus/redis-connection';
import { LocalPusherBus, type PusherBus, RedisPusherBus } from './bus';
import { loadPusherConfig, PusherApps } from './config';
import { createPusherHttpApi } from './http-api';
import { type PusherObserver, PusherServer } from './server';
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
  observer?: PusherObserver;
  /** Fan-out between nodes; by default Redis pub/sub with REDIS_URL, nothing without. */
  bus?: PusherBus;
};

/** Builds the Pusher protocol side of one node from the environment. */
export function createPusher(deps: PusherDeps): Pusher {
  const { env, nodeId } = deps;
  const logger = deps.logger.child({ module: 'pusher' });
  const apps = new PusherApps(loadPusherConfig(env));
  if (apps.all().some((app) => app.secret === 'app-secret'))
    logger.warn(
      'serving the development Pusher app (app-id / app-key / app-secret); set PUSHER_APP_* in production',
    );

  const redisClients = env.REDIS_URL
    ? {
        command: connectRedis(env.REDIS_URL, logger, `osl-pusher-${nodeId}`),
        subscriber: connectRedis(env.REDIS_URL, logger, `osl-pusher-sub-${nodeId}`),
      }
    : null;
  const state: PusherState = redisClients
    ? new RedisPusherState({
        redis: redisClients.command,
        prefix: env.REDIS_PREFIX,
        nodeId,
        appIds: apps.all().map((app) => app.id),
        ttlSeconds: env.PRESENCE_TTL_SECONDS,
      })
    : new MemoryPusherState();
  const bus: PusherBus =
    deps.bus ??
    (redisClients
      ? new RedisPusherBus(redisClients.command, redisClients.subscriber, env.REDIS_PREFIX, nodeId, (error) =>
          logger.warn({ err: String(error) }, 'pusher bus error'),
        )
      : new LocalPusherBus());
  const webhooks = new WebhookSender({ logger });
  const server = new PusherServer({
    apps,
    state,
    bus,
    webhooks,
    logger,
    observer: deps.observer,
    limits: {
      messagesPerSecond: env.WS_MESSAGES_PER_SECOND,
      burst: env.WS_BURST,
      maxSubscriptions: env.WS_MAX_SUBSCRIPTIONS,
      slowConsumerBytes: env.WS_SLOW_CONSUMER_BYTES,
    },
  });
  const gateway = createPusherGateway({ server, logger, maxPayload: env.WS_MAX_FRAME_BYTES });
  const handleHttp = createPusherHttpApi({ server, state, logger });

  return {
    server,
    apps,
    handleUpgrade: gateway.handleUpgrade,
    handleHttp,
    async close() {
      await server.close();
      await gateway.close();
      await webhooks.close();
      await bus.close();
      await state.close();
      if (redisClients) {
        redisClients.subscriber.disconnect();
        redisClients.command.disconnect();
      }
    },
  };
}
