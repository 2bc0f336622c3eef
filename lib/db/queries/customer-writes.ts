import { and, eq, sql } from 'drizzle-orm';
import type { Db, Executor, Tx } from '../create-db';
import { type Customer, customers, type ShippingAddress } from '../schema';
import { abort, type Changes, diff, runInTransaction, type WriteOutcome } from './write-outcome';

export const customerEditableFields = ['name', 'email', 'phone', 'company', 'address'] as const;
export type CustomerEditableField = (typeof customerEditableFields)[number];

export type NewCustomerValues = {
  name: string;
  email: string;
  phone?: string;
  company?: string;
  address: ShippingAddress;
};
export type CustomerPatch = Partial<Pick<Customer, CustomerEditableField>>;
export type CustomerChange = { before: Customer; after: Customer; changes: Changes<Customer> };

const reportedFields = [...customerEditableFields, 'version'] as const;

export async function createCustomer(
  db: Executor,
  tenantId: string,
  values: NewCustomerValues,
): Promise<Customer> {
  const [row] = await db
    .insert(customers)
    .values({ ...values, tenantId })
    .returning();
  if (!row) throw new Error('customer insert returned nothing');
  return row;
}

/** Applies a patch when the customer is still at `expectedVersion`. */
export async function updateCustomer(
  db: Db,
  tenantId: string,
  id: string,
  expectedVersion: number,
  patch: CustomerPatch,
  /** Runs in the same transaction after the update (the events that commit with it). */
  within?: (tx: Tx, change: CustomerChange) => Promise<void>,
): Promise<WriteOutcome<CustomerChange>> {
  return runInTransaction(db, async (tx) => {
    const where = and(eq(customers.tenantId, tenantId), eq(customers.id, id));
    const [before] = await tx.select().from(customers).where(where).for('update');
    if (!before) return abort({ reason: 'not_found' });
    if (before.version !== expectedVersion)
      abort({ reason: 'stale_version', currentVersion: before.version });
    const [after] = await tx
      .update(customers)
      .set({ ...patch, version: sql`${customers.version} + 1`, updatedAt: new Date() })
      .where(where)
      .returning();
    if (!after) throw new Error('locked customer vanished');
    const change = { before, after, changes: diff(before, after, reportedFields) };
    await within?.(tx, change);
    return change;
  });
}
