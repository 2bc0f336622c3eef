import { and, eq } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { type Customer, customers, type Order, orders, type Product, products } from '../schema';

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

/** One order row of a tenant (null for another tenant's id), e.g. read back inside the transaction that changed it. */
export async function findOrderRow(db: Executor, tenantId: string, orderId: string): Promise<Order | null> {
  const [row] = await db
    .select()
    .from(orders)
    .where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)))
    .limit(1);
  return row ?? null;
}

/** An order's number (what people call it), or null when the tenant has no such order. */
export async function orderNumberOf(db: Executor, tenantId: string, orderId: string): Promise<string | null> {
  const [row] = await db
    .select({ number: orders.number })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.tenantId, tenantId)))
    .limit(1);
  return row?.number ?? null;
}
