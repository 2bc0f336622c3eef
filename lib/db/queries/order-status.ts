import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { canTransition, orderTransitions, stockEffect } from '../../catalog/order-transitions';
import type { Tx } from '../create-db';
import { type OrderStatus, orderLines, type Product, products } from '../schema';
import { abort, type StockShortage } from './write-outcome';

export type StockLevel = {
  productId: string;
  sku: string;
  name: string;
  stock: number;
  reserved: number;
  available: number;
  lowStockThreshold: number;
  version: number;
  before: { stock: number; reserved: number };
};

type Demand = { productId: string; quantity: number };

async function orderDemand(tx: Tx, tenantId: string, orderId: string): Promise<Demand[]> {
  const rows = await tx
    .select({ productId: orderLines.productId, quantity: sql<number>`sum(${orderLines.quantity})::integer` })
    .from(orderLines)
    .where(and(eq(orderLines.tenantId, tenantId), eq(orderLines.orderId, orderId)))
    .groupBy(orderLines.productId);
  return rows.map((r) => ({ productId: r.productId, quantity: Number(r.quantity) }));
}

/** The new stock and reservation of one product under one effect, or null when there are not enough units. */
function nextLevels(
  product: Product,
  quantity: number,
  effect: 'reserve' | 'ship' | 'release',
): { stock: number; reserved: number } | null {
  switch (effect) {
    case 'reserve': {
      const reserved = product.reserved + quantity;
      return reserved <= product.stock ? { stock: product.stock, reserved } : null;
    }
    case 'ship': {
      // Orders confirmed before reservations existed (the demo seed) hold less than their quantity: release
      // what they hold, never below zero.
      const reserved = product.reserved - Math.min(product.reserved, quantity);
      const stock = product.stock - quantity;
      return stock >= reserved && stock >= 0 ? { stock, reserved } : null;
    }
    case 'release':
      return { stock: product.stock, reserved: product.reserved - Math.min(product.reserved, quantity) };
    default: {
      const unknown: never = effect;
      throw new Error(`unknown stock effect ${String(unknown)}`);
    }
  }
}

/**
 * The checked part of a status change, for the one writer of an order's status: the sync engine's commit
 * (lib/sync/service, which holds the order's row lock and writes the history row; the catalog's REST route and
 * server action go through it too). Refuses a transition the table does not allow and applies its
 * stock effect. Refusals are thrown as WriteAbort (roll back; `error.failure` says why).
 */
export async function applyStatusTransition(
  tx: Tx,
  tenantId: string,
  orderId: string,
  from: OrderStatus,
  to: OrderStatus,
): Promise<StockLevel[]> {
  if (!canTransition(from, to))
    abort({ reason: 'invalid_transition', from, to, allowed: [...orderTransitions[from]] });
  const effect = stockEffect(from, to);
  return effect === 'none' ? [] : applyStockEffect(tx, tenantId, orderId, effect);
}

async function applyStockEffect(
  tx: Tx,
  tenantId: string,
  orderId: string,
  effect: 'reserve' | 'ship' | 'release',
): Promise<StockLevel[]> {
  const demand = await orderDemand(tx, tenantId, orderId);
  if (demand.length === 0) return [];
  const ids = demand.map((d) => d.productId).sort();
  const locked = await tx
    .select()
    .from(products)
    .where(and(eq(products.tenantId, tenantId), inArray(products.id, ids)))
    .orderBy(asc(products.id))
    .for('update');
  const quantities = new Map(demand.map((d) => [d.productId, d.quantity]));
  const plan = locked.map((product) => {
    const quantity = quantities.get(product.id) ?? 0;
    return { product, quantity, next: nextLevels(product, quantity, effect) };
  });
  const short: StockShortage[] = plan
    .filter((p) => p.next === null)
    .map((p) => ({
      productId: p.product.id,
      sku: p.product.sku,
      requested: p.quantity,
      available: p.product.stock - p.product.reserved,
    }));
  if (short.length > 0) abort({ reason: 'insufficient_stock', items: short });
  const levels: StockLevel[] = [];
  for (const { product, next } of plan) {
    if (!next) continue;
    const [row] = await tx
      .update(products)
      .set({
        stock: next.stock,
        reserved: next.reserved,
        version: sql`${products.version} + 1`,
        updatedAt: new Date(),
      })
      .where(eq(products.id, product.id))
      .returning();
    if (!row) throw new Error('locked product vanished');
    levels.push({
      productId: row.id,
      sku: row.sku,
      name: row.name,
      stock: row.stock,
      reserved: row.reserved,
      available: row.stock - row.reserved,
      lowStockThreshold: row.lowStockThreshold,
      version: row.version,
      before: { stock: product.stock, reserved: product.reserved },
    });
  }
  return levels;
}
