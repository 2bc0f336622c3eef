import { publishWithActivity } from '../activity/catalog-activity';
import { getServices } from '../server/services';
import { createCustomerService } from './customer-service';
import type { CatalogDeps } from './deps';
import { createOrderService } from './order-service';
import { createProductService } from './product-service';

export type Catalog = {
  products: ReturnType<typeof createProductService>;
  customers: ReturnType<typeof createCustomerService>;
  orders: ReturnType<typeof createOrderService>;
};

export function createCatalog(deps: CatalogDeps): Catalog {
  return {
    products: createProductService(deps),
    customers: createCustomerService(deps),
    orders: createOrderService(deps),
  };
}

/** The catalog over this process's database, hub and sync service (route handlers and server actions). */
export function getCatalog(): Catalog {
  const services = getServices();
  const sync = services.collaboration?.sync;
  if (!sync) throw new Error('Collaboration is not registered: start the app through server.ts');
  return createCatalog({
    sync,
    db: services.database.db,
    publish: publishWithActivity((input) => services.realtime.publish(input), {
      db: services.database.db,
      logger: services.logger,
    }),
    logger: services.logger,
    ...(services.outbox ? { outbox: services.outbox } : {}),
  });
}

export type { CatalogActor } from './access';
export type { CatalogError, Result } from './result';
