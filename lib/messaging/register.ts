import { isParticipant } from '../db/queries/conversations';
import { registerNotifier } from '../notifications';
import type { Services } from '../server/services';
import { hubAdminPortOf, realtimePortOf } from './hub-adapters';
import { createMessaging, type Messaging, setMessaging } from './index';
import { registerMessagingRpcs } from './rpc';
import { MAX_TYPING_TTL_MS } from './typing';
import { createMemoryTypingStore, createRedisTypingStore } from './typing-store';

export type MessagingRegistration = { messaging: Messaging; close(): Promise<void> };

/**
 * Wires messaging into a running process: the services over the database and the hub, the `conversation:{id}`
 * channel guard (participants only), the RPCs, the notifier other features call, the delivery sweeper, and the
 * per-process instance the route handlers reach. start.ts calls it once, after the realtime layer exists.
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
  registerNotifier(messaging.notifier);
  setMessaging(messaging);
  messaging.sweeper.start();
  return {
    messaging,
    async close() {
      setMessaging(undefined);
      await messaging.close();
    },
  };
}
