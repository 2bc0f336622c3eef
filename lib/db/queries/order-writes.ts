import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Executor, Tx } from '../create-db';
import { customers, type OrderStatus, orderLines, orders, products, type ShippingAddress } from '../schema';

export type SyncedOrder = {
  id: string;
  tenantId: string;
  number: string;
  version: number;
  status: OrderStatus;
  customerId: string;
  shippingAddress: ShippingAddress;
  notes: string;
  lines: { id: string; productId: string; quantity: number }[];
  /** The sync policy as stored (parsed by lib/sync where it is used); null until pinned. */
  policy: unknown;
  /** An admin's policy switch not yet entered in the order's history. */
  nextPolicy: unknown;
};

export async function loadOrderLines(db: Executor, orderId: string) {
  return db
    .select({ id: orderLines.id, productId: orderLines.productId, quantity: orderLines.quantity })
    .from(orderLines)
    .where(eq(orderLines.orderId, orderId))
    .orderBy(asc(orderLines.position), asc(orderLines.id));
}

/** The columns of an order the sync engine reads (its synced fields, version and policy). */
export const orderColumns = {
  id: orders.id,
  tenantId: orders.tenantId,
  number: orders.number,
  version: orders.version,
  status: orders.status,
  customerId: orders.customerId,
  shippingAddress: orders.shippingAddress,
  notes: orders.notes,
  policy: orders.policy,
  nextPolicy: orders.nextPolicy,
};

/** The order and (unless told otherwise) its lines; inside a transaction `forUpdate` holds the row until commit (writes serialize). */
export async function loadSyncedOrder(
  db: Executor,
  tenantId: string,
  orderId: string,
  forUpdate = false,
  withLines = true,
): Promise<SyncedOrder | null> {
  const query = db
    .select(orderColumns)
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.tenantId, tenantId)))
    .limit(1);
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) return null;
  return { ...row, lines: withLines ? await loadOrderLines(db, orderId) : [] };
}

export type OrderFieldPatch = Partial<{
  status: OrderStatus;
  customerId: string;
  shippingAddress: ShippingAddress;
  notes: string;
}>;

export async function writeOrderFields(tx: Tx, orderId: string, patch: OrderFieldPatch, version: number) {
  await tx
    .update(orders)
    .set({ ...patch, version, updatedAt: new Date() })
    .where(eq(orders.id, orderId));
}

/** Pins the order's policy (and, for a switch, the version its history row takes); clears a pending switch. */
export async function pinOrderPolicy(tx: Tx, orderId: string, policy: unknown, version?: number) {
  await tx
    .update(orders)
    .set(
      version === undefined
        ? { policy, nextPolicy: null }
        : { policy, nextPolicy: null, version, updatedAt: new Date() },
    )
    .where(eq(orders.id, orderId));
}

/** An admin switched the tenant's order policy: every order takes it at its next version. */
export async function markPolicySwitch(tx: Tx, tenantId: string, policy: unknown) {
  await tx.update(orders).set({ nextPolicy: policy }).where(eq(orders.tenantId, tenantId));
}

export async function setLineQuantity(tx: Tx, orderId: string, lineId: string, quantity: number) {
  const rows = await tx
    .update(orderLines)
    .set({ quantity })
    .where(and(eq(orderLines.id, lineId), eq(orderLines.orderId, orderId)))
    .returning({ id: orderLines.id });
  return rows.length > 0;
}

export async function insertLine(
  tx: Tx,
  order: { tenantId: string; id: string },
  line: { id: string; productId: string; quantity: number },
  unitPriceMinor: number,
) {
  const [max] = await tx
    .select({ position: sql<number>`coalesce(max(${orderLines.position}), -1)::integer` })
    .from(orderLines)
    .where(eq(orderLines.orderId, order.id));
  await tx.insert(orderLines).values({
    id: line.id,
    tenantId: order.tenantId,
    orderId: order.id,
    productId: line.productId,
    quantity: line.quantity,
    unitPriceMinor,
    position: Number(max?.position ?? -1) + 1,
  });
}

export async function deleteLine(tx: Tx, orderId: string, lineId: string) {
  const rows = await tx
    .delete(orderLines)
    .where(and(eq(orderLines.id, lineId), eq(orderLines.orderId, orderId)))
    .returning({ id: orderLines.id });
  return rows.length > 0;
}

/** Makes the order's lines exactly `lines` (in this order), keeping the unit price of lines that stay. */
export async function replaceLines(
  tx: Tx,
  order: { tenantId: string; id: string },
  lines: { id: string; productId: string; quantity: number }[],
  prices: Map<string, number>,
) {
  const existing = await tx
    .select({ id: orderLines.id, unitPriceMinor: orderLines.unitPriceMinor, productId: orderLines.productId })
    .from(orderLines)
    .where(eq(orderLines.orderId, order.id));
  const kept = new Map(existing.map((row) => [row.id, row]));
  await tx.delete(orderLines).where(eq(orderLines.orderId, order.id));
  if (lines.length === 0) return;
  await tx.insert(orderLines).values(
    lines.map((line, position) => {
      const old = kept.get(line.id);
      return {
        id: line.id,
        tenantId: order.tenantId,
        orderId: order.id,
        productId: line.productId,
        quantity: line.quantity,
        unitPriceMinor:
          old && old.productId === line.productId ? old.unitPriceMinor : (prices.get(line.productId) ?? 0),
        position,
      };
    }),
  );
}

/** Prices of the given products that belong to the tenant; a missing id is an unknown product. */
export async function tenantProductPrices(db: Executor, tenantId: string, productIds: string[]) {
  if (productIds.length === 0) return new Map<string, number>();
  const rows = await db
    .select({ id: products.id, priceMinor: products.priceMinor })
    .from(products)
    .where(and(eq(products.tenantId, tenantId), inArray(products.id, productIds)));
  return new Map(rows.map((row) => [row.id, row.priceMinor]));
}

/**
 * Which of these line ids another order already holds (line ids are chosen by the client and unique across all
 * orders): a line added with one of them is refused, rather than failing its whole push on the primary key.
 */
export async function lineIdsTakenElsewhere(db: Executor, orderId: string, lineIds: string[]) {
  if (lineIds.length === 0) return new Set<string>();
  const rows = await db
    .select({ id: orderLines.id })
    .from(orderLines)
    .where(and(inArray(orderLines.id, lineIds), ne(orderLines.orderId, orderId)));
  return new Set(rows.map((row) => row.id));
}

export async function tenantCustomerExists(db: Executor, tenantId: string, customerId: string) {
  const [row] = await db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.id, customerId), eq(customers.tenantId, tenantId)))
    .limit(1);
  return Boolean(row);
}
