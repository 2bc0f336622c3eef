/**
 * What a write query returns: the committed value, or the reason it was refused (errors as data). Inside a
 * transaction a refusal is thrown as a WriteAbort so the transaction rolls back, and turned back into data by
 * runInTransaction.
 */
import type { Db, Tx } from '../create-db';
import type { OrderStatus } from '../schema';

export type StockShortage = { productId: string; sku: string; requested: number; available: number };

export type WriteFailure =
  | { reason: 'not_found' }
  | { reason: 'stale_version'; currentVersion: number }
  | { reason: 'duplicate_sku'; sku: string }
  | { reason: 'insufficient_stock'; items: StockShortage[] }
  | { reason: 'invalid_transition'; from: OrderStatus; to: OrderStatus; allowed: OrderStatus[] }
  | { reason: 'in_use'; orderLines: number }
  | { reason: 'price_negative'; ids: string[] }
  | { reason: 'unknown_products'; ids: string[] };

export type WriteOutcome<T> = { ok: true; value: T } | ({ ok: false } & WriteFailure);

export type FieldChange<V = unknown> = { before: V; after: V };
export type Changes<T> = { [K in keyof T]?: FieldChange<T[K]> };

export class WriteAbort extends Error {
  constructor(readonly failure: WriteFailure) {
    super(failure.reason);
  }
}

export function abort(failure: WriteFailure): never {
  throw new WriteAbort(failure);
}

/** PostgreSQL error code of a failed query (drizzle wraps driver errors in `cause`). */
export function pgErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export async function runInTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<WriteOutcome<T>> {
  try {
    const value = await db.transaction(work);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof WriteAbort) return { ok: false, ...error.failure };
    throw error;
  }
}

/** The fields whose value differs between two snapshots, with before and after. */
export function diff<T extends Record<string, unknown>>(
  before: T,
  after: T,
  keys: readonly (keyof T)[],
): Changes<T> {
  const changes: Changes<T> = {};
  for (const key of keys) {
    if (!sameValue(before[key], after[key])) changes[key] = { before: before[key], after: after[key] };
  }
  return changes;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a && b && typeof a === 'object' && typeof b === 'object')
    return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}
