import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../create-db';
import {
  customers,
  type Order,
  orderLines,
  orders,
  products,
  type ShippingAddress,
  tenants,
} from '../schema';
import { abort } from './write-outcome';

export type NewOrderValues = {
  customerId: string;
  shippingAddress?: ShippingAddress;
  notes: string;
  lines: { productId: string; quantity: number }[];
  createdBy: string;
};

/** The number after the tenant's highest `…SO-n` (`SI-SO-2424` → `SI-SO-2425`), or `SO-1001` for the first. */
export function nextOrderNumber(existing: readonly string[]): string {
  let best: { prefix: string; n: number; width: number } | null = null;
  for (const number of existing) {
    const match = /^(.*SO-)(\d+)$/.exec(number);
    if (!match) continue;
    const n = Number(match[2]);
    if (!best || n > best.n) best = { prefix: match[1]!, n, width: match[2]!.length };
  }
  if (!best) return 'SO-1001';
  return `${best.prefix}${String(best.n + 1).padStart(best.width, '0')}`;
}

/**
 * Creates a draft order in the caller's transaction: the customer and every product must be the tenant's; each
 * line takes the product's price now; the shipping address defaults to the customer's. Order numbers are taken one
 * creation at a time per tenant (the tenant row is locked without blocking the tenant's other writes).
 */
export async function insertDraftOrder(tx: Tx, tenantId: string, values: NewOrderValues): Promise<Order> {
  const [customer] = await tx
    .select()
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, values.customerId)));
  if (!customer) abort({ reason: 'not_found' });
  const ids = [...new Set(values.lines.map((line) => line.productId))];
  const found = await tx
    .select({ id: products.id, priceMinor: products.priceMinor })
    .from(products)
    .where(and(eq(products.tenantId, tenantId), inArray(products.id, ids)));
  const prices = new Map(found.map((p) => [p.id, p.priceMinor]));
  const missing = ids.filter((id) => !prices.has(id));
  if (missing.length > 0) abort({ reason: 'unknown_products', ids: missing });
  await tx.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).for('no key update');
  const numbers = await tx
    .select({ number: orders.number })
    .from(orders)
    .where(eq(orders.tenantId, tenantId));
  const [order] = await tx
    .insert(orders)
    .values({
      tenantId,
      number: nextOrderNumber(numbers.map((o) => o.number)),
      status: 'draft',
      customerId: customer.id,
      shippingAddress: values.shippingAddress ?? customer.address,
      notes: values.notes,
      createdBy: values.createdBy,
    })
    .returning();
  if (!order) throw new Error('order insert returned nothing');
  await tx.insert(orderLines).values(
    values.lines.map((line, position) => ({
      tenantId,
      orderId: order.id,
      productId: line.productId,
      quantity: line.quantity,
      unitPriceMinor: prices.get(line.productId) ?? 0,
      position,
    })),
  );
  return order;
}
