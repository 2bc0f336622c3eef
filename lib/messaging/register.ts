import { isParticipant } from '../db/queries/conversations';
import type { Services } from '../server/services';
import { hubAdminPortOf, realtimePortOf } from './hub-adapters';
import { createMessaging, type Messaging } from './index';
import { registerMessagingRpcs } from './rpc';
import { MAX_TYPING_TTL_MS } from './typing';
import { createMemoryTypingStore, createRedisTypingStore } from './typing-store';

export type MessagingRegistration = { messaging: Messaging; close(): Promise<void> };

/**
 * Wires messaging into a running process: the services over the database and the hub, the `conversation:{id}`
 * channel guard (participants only), the RPCs, the notifier other features call, the delivery sweeper, and the
 * instance createApp keeps on the services for the route handlers. createApp calls it once, after the realtime layer
 * exists.
 */
export function registerMessaging(services: Services): MessagingRegistration {
  const { hub } = services.realtime;
  const { env } = services;
  const { redis } = services.realtime;
  const messaging = createMessaging({
    db: services.database.db,
    realtime: realtimePortOf(hub),
    hub: hubAdminPortOf(hub),
    typing: redis
      ? createRedisTypingStore(redis, `${env.REDIS_PREFIX}:msg`, MAX_TYPING_TTL_MS)
      : createMemoryTypingStore(),
    rateLimit: { perSecond: env.API_RATE_PER_SECOND, burst: env.API_RATE_BURST },
    typingTtlMs: env.TYPING_TTL_MS,
  });
  hub.setChannelGuard('conversation', (user, id) =>
    /^[0-9a-f-]{36}$/i.test(id) ? isParticipant(services.database.db, id, user.id) : Promise.resolve(false),
  );
  registerMessagingRpcs(hub, messaging);
  messaging.sweeper.start();
  return {
    messaging,
    async close() {
      await messaging.close();
    },
  };
}
