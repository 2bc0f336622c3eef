import type { Db } from '../db/create-db';
import { createNotifier, type Notifier } from '../notifications/notifier';
import { getServices } from '../server/services';
import { createAnnouncementService } from './announcements';
import { KeyedRateLimiter } from './api/rate-limiter';
import { createConversationService } from './conversations';
import { createDeliverySweeper, defaultSweeperOptions, type SweeperOptions } from './delivery-sweeper';
import type { MessagingDeps } from './deps';
import { createMessageService } from './messages';
import { absentHub, type HubAdminPort, type RealtimePort } from './ports';
import { createTypingService } from './typing';
import { createMemoryTypingStore, type TypingStore } from './typing-store';

export type { Caller } from './deps';
export type { Failure, Result } from './result';

export type MessagingOptions = {
  db: Db;
  realtime: RealtimePort;
  hub?: HubAdminPort;
  typing?: TypingStore;
  notifier?: Notifier;
  now?: () => number;
  typingTtlMs?: number;
  sweeper?: Partial<SweeperOptions>;
  /** REST requests per user: a burst and a refill per second. */
  rateLimit?: { perSecond: number; burst: number };
};

/** Builds the messaging services over one database and one realtime port. */
export function createMessaging(options: MessagingOptions) {
  const notifier =
    options.notifier ?? createNotifier({ db: options.db, realtime: options.realtime, now: options.now });
  const deps: MessagingDeps = {
    db: options.db,
    realtime: options.realtime,
    typing: options.typing ?? createMemoryTypingStore(),
    notifier,
    now: options.now ?? Date.now,
    typingTtlMs: options.typingTtlMs ?? 8000,
  };
  const conversations = createConversationService(deps);
  const messages = createMessageService(deps, conversations);
  const typing = createTypingService(deps, conversations);
  const announcements = createAnnouncementService(deps);
  const sweeper = createDeliverySweeper(deps, { ...defaultSweeperOptions, ...options.sweeper });
  return {
    deps,
    hub: options.hub ?? absentHub,
    notifier,
    conversations,
    messages,
    typing,
    announcements,
    sweeper,
    rateLimiter: new KeyedRateLimiter(options.rateLimit?.perSecond ?? 20, options.rateLimit?.burst ?? 60),
    async close() {
      typing.close();
      await sweeper.stop();
      await deps.typing.close();
    },
  };
}

export type Messaging = ReturnType<typeof createMessaging>;

/** This process's messaging (built by createApp, lib/server/app.ts), for the route handlers. */
export function getMessaging(): Messaging {
  const { messaging } = getServices();
  if (!messaging) throw new Error('Messaging is not registered: start the app through createApp');
  return messaging;
}
