'use server';

import { getCurrentUser } from '../auth/current-user';
import { errorCodes } from '../realtime/protocol/codes';
import { isUnavailable } from '../server/faults';
import { type Catalog, getCatalog } from './index';
import { type CatalogError, type Result, unauthorized } from './result';

/**
 * Server actions for the catalog forms. They run the same services as the REST API (same validation, role and
 * tenant checks, same events) and return the result as data: `{ ok: true, value }` or `{ ok: false, error }` with a
 * code from the shared catalog (the form maps `error.code` to its i18n key and `details.fields` to its inputs).
 */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: Omit<CatalogError, 'status'> };

async function run<T>(
  work: (
    catalog: Catalog,
    user: NonNullable<Awaited<ReturnType<typeof getCurrentUser>>>,
  ) => Promise<Result<T>>,
): Promise<ActionResult<T>> {
  let result: Result<T>;
  try {
    const user = await getCurrentUser();
    result = user ? await work(getCatalog(), user) : unauthorized<T>();
  } catch (error) {
    // The database or Redis cannot be reached: the form says so and may retry, as the REST API's 503 does.
    if (!isUnavailable(error)) throw error;
    return { ok: false, error: { code: 'UNAVAILABLE', message: errorCodes.UNAVAILABLE.reason } };
  }
  if (result.ok) return result;
  const { status: _status, ...error } = result.error;
  return { ok: false, error };
}

export async function createProductAction(input: unknown) {
  return run((catalog, user) => catalog.products.create(user, input));
}

export async function updateProductAction(id: string, input: unknown) {
  return run((catalog, user) => catalog.products.update(user, id, input));
}

export async function deleteProductAction(id: string, input?: unknown) {
  return run((catalog, user) => catalog.products.remove(user, id, input ?? {}));
}

export async function bulkUpdateProductsAction(input: unknown) {
  return run((catalog, user) => catalog.products.bulkUpdate(user, input));
}

export async function createCustomerAction(input: unknown) {
  return run((catalog, user) => catalog.customers.create(user, input));
}

export async function updateCustomerAction(id: string, input: unknown) {
  return run((catalog, user) => catalog.customers.update(user, id, input));
}

export async function changeOrderStatusAction(id: string, input: unknown) {
  return run((catalog, user) => catalog.orders.changeStatus(user, id, input));
}

export async function createOrderAction(input: unknown) {
  return run((catalog, user) => catalog.orders.create(user, input));
}
