import type { Db } from '../db/create-db';
import type { Logger } from '../logger';
import type { SyncService } from '../sync/service/sync-service';
import type { Publish } from './events';

/** The one writer of an order's status: the sync service (history row, version, locks, events). */
export type OrderStatusWriter = Pick<SyncService, 'changeStatus'>;

/**
 * What the catalog services need: the database, the hub's publish, a logger for failed publishes, and the sync
 * service that commits (and announces) every status change.
 */
export type CatalogDeps = {
  db: Db;
  publish: Publish;
  logger?: Logger;
  sync: OrderStatusWriter;
  /** Publishes what writes committed into the outbox (lib/outbox); absent where no relay runs. */
  outbox?: { flush(): Promise<void> };
};
