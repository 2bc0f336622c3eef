import { and, asc, count, eq, ilike, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { customers } from '../schema';
import { containsPattern, offsetOf, type Page, type PageRequest, toPage } from './pagination';

export type CustomerListFilter = PageRequest & { search?: string };

const columns = {
  id: customers.id,
  name: customers.name,
  company: customers.company,
  email: customers.email,
  phone: customers.phone,
  address: customers.address,
  version: customers.version,
};

export type CustomerRow = NonNullable<Awaited<ReturnType<typeof getCustomer>>>;

/** One page of the tenant's customers by name; search matches name, company or email. */
export async function listCustomers(db: Executor, tenantId: string, filter: CustomerListFilter) {
  const conditions: (SQL | undefined)[] = [eq(customers.tenantId, tenantId)];
  const term = filter.search?.trim();
  if (term) {
    const pattern = containsPattern(term);
    conditions.push(
      or(ilike(customers.name, pattern), ilike(customers.company, pattern), ilike(customers.email, pattern)),
    );
  }
  const where = and(...conditions);
  const [rows, [counted]] = await Promise.all([
    db
      .select(columns)
      .from(customers)
      .where(where)
      .orderBy(asc(customers.name))
      .limit(filter.pageSize)
      .offset(offsetOf(filter)),
    db.select({ n: count() }).from(customers).where(where),
  ]);
  return toPage(rows, counted?.n ?? 0, filter) satisfies Page<(typeof rows)[number]>;
}

export async function getCustomer(db: Executor, tenantId: string, customerId: string) {
  const [row] = await db
    .select(columns)
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, customerId)))
    .limit(1);
  return row ?? null;
}

export async function countCustomers(db: Executor, tenantId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(customers).where(eq(customers.tenantId, tenantId));
  return row?.n ?? 0;
}
