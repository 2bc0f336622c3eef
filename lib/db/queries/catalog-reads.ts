import { and, eq } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { type Customer, customers, type Product, products } from '../schema';

/** Full rows of one entity for the catalog REST API (the pages' read queries select fewer columns). */
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
