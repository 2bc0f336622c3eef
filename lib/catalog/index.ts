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

/** This process's catalog (built by createApp, lib/server/app.ts), for route handlers and server actions. */
export function getCatalog(): Catalog {
  const { catalog } = getServices();
  if (!catalog) throw new Error('The catalog is not registered: start the app through createApp');
  return catalog;
}

export type { CatalogActor } from './access';
export type { CatalogError, Result } from './result';
