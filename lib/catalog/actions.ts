'use server';

import { type ActionResult, withActionEdge } from '../http/action-edge';
import type { CatalogActor } from './access';
import { type Catalog, getCatalog } from './index';
import type { Result } from './result';

/**
 * Server actions for the catalog forms. Each goes through the server actions' HTTP edge (lib/http/action-edge.ts:
 * session, rate limit, input size, one error shape) and runs the same services as the REST API (same validation,
 * role and tenant checks, same events). The answer is data: `{ ok: true, value }` or `{ ok: false, error }` with a
 * code and i18n key from the shared catalog (the form maps `details.fields` to its inputs).
 */
export type { ActionResult };

function run<T>(
  name: string,
  input: unknown,
  work: (catalog: Catalog, user: CatalogActor, input: unknown) => Promise<Result<T>>,
): Promise<ActionResult<T>> {
  return withActionEdge(name, input, (user, clean) => work(getCatalog(), user, clean));
}

export async function createProductAction(input: unknown) {
  return run('products.create', input, (catalog, user, clean) => catalog.products.create(user, clean));
}

export async function updateProductAction(id: string, input: unknown) {
  return run('products.update', input, (catalog, user, clean) => catalog.products.update(user, id, clean));
}

export async function deleteProductAction(id: string, input?: unknown) {
  return run('products.remove', input, (catalog, user, clean) =>
    catalog.products.remove(user, id, clean ?? {}),
  );
}

export async function bulkUpdateProductsAction(input: unknown) {
  return run('products.bulkUpdate', input, (catalog, user, clean) =>
    catalog.products.bulkUpdate(user, clean),
  );
}

export async function createCustomerAction(input: unknown) {
  return run('customers.create', input, (catalog, user, clean) => catalog.customers.create(user, clean));
}

export async function updateCustomerAction(id: string, input: unknown) {
  return run('customers.update', input, (catalog, user, clean) => catalog.customers.update(user, id, clean));
}

export async function changeOrderStatusAction(id: string, input: unknown) {
  return run('orders.changeStatus', input, (catalog, user, clean) =>
    catalog.orders.changeStatus(user, id, clean),
  );
}

export async function createOrderAction(input: unknown) {
  return run('orders.create', input, (catalog, user, clean) => catalog.orders.create(user, clean));
}
