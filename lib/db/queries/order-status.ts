import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { canTransition, orderTransitions, stockEffect } from '../../catalog/order-transitions';
import type { Db, Tx } from '../create-db';
import { type Order, type OrderStatus, orderLines, orders, type Product, products } from '../schema';
import {
  abort,
  type Changes,
  diff,
  pgErrorCode,
  runInTransaction,
  type StockShortage,
  type WriteOutcome,
} from './write-outcome';

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

export type OrderStatusChange = {
  before: Order;
  after: Order;
  changes: Changes<Order>;
  /** Products whose stock or reservation moved, in id order. Empty when the transition does not touch stock. */
  stock: StockLevel[];
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
 * Moves an order to `to` and applies the stock effect of the transition, all in one transaction. Locks the order
 * first, then its products in id order (the order every multi-product write uses), so concurrent confirmations
 * for the last units serialise on the product rows and never oversell; the CHECK constraints are the last guard.
 */
export async function changeOrderStatus(
  db: Db,
  tenantId: string,
  orderId: string,
  to: OrderStatus,
  expectedVersion?: number,
): Promise<WriteOutcome<OrderStatusChange>> {
  try {
    return await runInTransaction(db, async (tx) => {
      const [before] = await tx
        .select()
        .from(orders)
        .where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)))
        .for('update');
      if (!before) return abort({ reason: 'not_found' });
      if (expectedVersion !== undefined && before.version !== expectedVersion)
        abort({ reason: 'stale_version', currentVersion: before.version });
      const stock = await applyStatusTransition(tx, tenantId, orderId, before.status, to);
      const [after] = await tx
        .update(orders)
        .set({ status: to, version: sql`${orders.version} + 1`, updatedAt: new Date() })
        .where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)))
        .returning();
      if (!after) throw new Error('locked order vanished');
      return { before, after, changes: diff(before, after, ['status', 'version'] as const), stock };
    });
  } catch (error) {
    // 23514: a CHECK constraint refused the stock change; should the checks above ever miss a case.
    if (pgErrorCode(error) === '23514') return { ok: false, reason: 'insufficient_stock', items: [] };
    throw error;
  }
}

/**
 * The checked part of a status change for a caller that already holds the order's row lock in its own transaction
 * (e.g. a collaborative edit of the status field): refuses a transition the table does not allow and applies its
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
