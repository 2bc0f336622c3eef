import { and, asc, count, eq, ilike, or } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { type Customer, customers, type Product, products } from '../schema';

/** The single-entity and customer-list reads the catalog REST API needs (the pages have their own queries). */
export async function findProduct(db: Executor, tenantId: string, id: string): Promise<Product | null> {
  const [row] = await db
    .select()
    .from(products)
    .where(and(eq(products.tenantId, tenantId), eq(products.id, id)))
    .limit(1);
  return row ?? null;
}

export async function findCustomer(db: Executor, tenantId: string, id: string): Promise<Customer | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)))
    .limit(1);
  return row ?? null;
}

export type CustomerListOptions = { search?: string; limit: number; offset: number };

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export async function listCustomers(
  db: Executor,
  tenantId: string,
  options: CustomerListOptions,
): Promise<{ items: Customer[]; total: number }> {
  const pattern = options.search ? `%${escapeLike(options.search)}%` : undefined;
  const where = and(
    eq(customers.tenantId, tenantId),
    pattern
      ? or(ilike(customers.name, pattern), ilike(customers.email, pattern), ilike(customers.company, pattern))
      : undefined,
  );
  const [items, [total]] = await Promise.all([
    db
      .select()
      .from(customers)
      .where(where)
      .orderBy(asc(customers.name), asc(customers.id))
      .limit(options.limit)
      .offset(options.offset),
    db.select({ n: count() }).from(customers).where(where),
  ]);
  return { items, total: total?.n ?? 0 };
}
