import type { CollaborationRegistration } from '../activity/register';
import type { PeopleService } from '../admin/people-service';
import type { LoginThrottle } from '../auth/login-throttle';
import type { Catalog } from '../catalog';
import type { Database } from '../db/create-db';
import type { Env } from '../env';
import type { Logger } from '../logger';
import type { Messaging } from '../messaging';
import type { OutboxRelay } from '../outbox/relay';
import type { Realtime } from '../realtime/server';

/**
 * The per-process instances built by createApp (lib/server/app.ts), shared by server.ts and the Next route handlers
 * and server actions. Next bundles those apart from server.ts, so a module-level singleton would exist twice: the
 * one registry lives on globalThis and is reached only through getServices() (getMessaging, getCatalog and notify
 * are views of it).
 */
export type Services = {
  env: Env;
  nodeId: string;
  database: Database;
  logger: Logger;
  sessionKey: Uint8Array;
  loginThrottle: LoginThrottle;
  realtime: Realtime;
  /** The admin console's people management (lib/admin). */
  people: PeopleService;
  /** Publishes the domain events writes commit into the outbox (lib/outbox); flush after a commit. */
  outbox?: OutboxRelay;
  /** The sync service and lock store (lib/activity/register.ts); set by createApp right after registering them. */
  collaboration?: CollaborationRegistration;
  /** Conversations, messages, typing and the notifier (lib/messaging); set by createApp. */
  messaging?: Messaging;
  /** Products, customers and orders (lib/catalog) over the sync service and the outbox; set by createApp. */
  catalog?: Catalog;
};

const KEY = Symbol.for('omni-sales-live.services');
type Holder = { [KEY]?: Services };

export function registerServices(services: Services): void {
  (globalThis as Holder)[KEY] = services;
}

export function clearServices(): void {
  delete (globalThis as Holder)[KEY];
}

export function getServices(): Services {
  const services = (globalThis as Holder)[KEY];
  if (!services) throw new Error('Services are not registered: start the app through server.ts');
  return services;
}
