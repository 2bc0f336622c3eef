import { and, count, desc, eq, ilike, inArray, or, type SQL, sql } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { customers, type OrderStatus, orderLines, orders, products } from '../schema';
import { containsPattern, offsetOf, type Page, type PageRequest, toPage } from './pagination';

/** Statuses whose orders count as revenue. */
export const revenueStatuses: OrderStatus[] = ['confirmed', 'shipped', 'delivered'];

export type OrderListFilter = PageRequest & { status?: OrderStatus; search?: string };

export type OrderListRow = {
  id: string;
  number: string;
  status: OrderStatus;
  customerId: string;
  customerName: string;
  customerCompany: string;
  itemCount: number;
  totalMinor: number;
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

const lineTotals = (db: Executor) =>
  db
    .select({
      orderId: orderLines.orderId,
      itemCount: sql<number>`coalesce(sum(${orderLines.quantity}), 0)::int`.as('item_count'),
      totalMinor:
        sql<number>`coalesce(sum(${orderLines.quantity} * ${orderLines.unitPriceMinor}), 0)::bigint`.as(
          'total_minor',
        ),
    })
    .from(orderLines)
    .groupBy(orderLines.orderId)
    .as('line_totals');

/** The list row's columns: the order, its customer and its line totals. */
function selectListRows(db: Executor) {
  const totals = lineTotals(db);
  return db
    .select({
      id: orders.id,
      number: orders.number,
      status: orders.status,
      customerId: customers.id,
      customerName: customers.name,
      customerCompany: customers.company,
      itemCount: sql<number>`coalesce(${totals.itemCount}, 0)`.mapWith(Number),
      totalMinor: sql<number>`coalesce(${totals.totalMinor}, 0)`.mapWith(Number),
      version: orders.version,
      createdAt: orders.createdAt,
      updatedAt: orders.updatedAt,
    })
    .from(orders)
    .innerJoin(customers, eq(customers.id, orders.customerId))
    .leftJoin(totals, eq(totals.orderId, orders.id));
}

/** One order as the list shows it (the `orders` channel's events carry it); null outside the tenant. */
export async function findOrderListRow(db: Executor, tenantId: string, orderId: string) {
  const [row] = await selectListRows(db)
    .where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)))
    .limit(1);
  return row ?? null;
}

function listConditions(tenantId: string, filter: Omit<OrderListFilter, keyof PageRequest>): SQL | undefined {
  const conditions: (SQL | undefined)[] = [eq(orders.tenantId, tenantId)];
  if (filter.status) conditions.push(eq(orders.status, filter.status));
  const term = filter.search?.trim();
  if (term) {
    const pattern = containsPattern(term);
    conditions.push(
      or(ilike(orders.number, pattern), ilike(customers.name, pattern), ilike(customers.company, pattern)),
    );
  }
  return and(...conditions);
}

/** One page of the tenant's orders, newest first, with customer and totals. */
export async function listOrders(
  db: Executor,
  tenantId: string,
  filter: OrderListFilter,
): Promise<Page<OrderListRow>> {
  const where = listConditions(tenantId, filter);
  const [rows, [counted]] = await Promise.all([
    selectListRows(db)
      .where(where)
      .orderBy(desc(orders.createdAt), desc(orders.number))
      .limit(filter.pageSize)
      .offset(offsetOf(filter)),
    db
      .select({ n: count() })
      .from(orders)
      .innerJoin(customers, eq(customers.id, orders.customerId))
      .where(where),
  ]);
  return toPage(rows, counted?.n ?? 0, filter);
}

/** One order of the tenant with its customer and lines; null when it does not exist in this tenant. */
export async function getOrder(db: Executor, tenantId: string, orderId: string) {
  const [order] = await db
    .select({
      id: orders.id,
      number: orders.number,
      status: orders.status,
      shippingAddress: orders.shippingAddress,
      notes: orders.notes,
      version: orders.version,
      createdAt: orders.createdAt,
      updatedAt: orders.updatedAt,
      customer: {
        id: customers.id,
        name: customers.name,
        company: customers.company,
        email: customers.email,
        phone: customers.phone,
      },
    })
    .from(orders)
    .innerJoin(customers, eq(customers.id, orders.customerId))
    .where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)))
    .limit(1);
  if (!order) return null;
  const lines = await db
    .select({
      id: orderLines.id,
      productId: orderLines.productId,
      productName: products.name,
      sku: products.sku,
      quantity: orderLines.quantity,
      unitPriceMinor: orderLines.unitPriceMinor,
      position: orderLines.position,
    })
    .from(orderLines)
    .innerJoin(products, eq(products.id, orderLines.productId))
    .where(and(eq(orderLines.tenantId, tenantId), eq(orderLines.orderId, order.id)))
    .orderBy(orderLines.position);
  const withTotals = lines.map((line) => ({ ...line, lineTotalMinor: line.quantity * line.unitPriceMinor }));
  return {
    ...order,
    lines: withTotals,
    totalMinor: withTotals.reduce((sum, line) => sum + line.lineTotalMinor, 0),
  };
}
export type OrderDetail = NonNullable<Awaited<ReturnType<typeof getOrder>>>;

/** Order counts per status (every status present, zero when none) and revenue of confirmed-or-later orders. */
export async function orderStats(db: Executor, tenantId: string) {
  const [byStatus, [revenue]] = await Promise.all([
    db
      .select({ status: orders.status, n: count() })
      .from(orders)
      .where(eq(orders.tenantId, tenantId))
      .groupBy(orders.status),
    db
      .select({
        minor:
          sql<number>`coalesce(sum(${orderLines.quantity} * ${orderLines.unitPriceMinor}), 0)::bigint`.mapWith(
            Number,
          ),
      })
      .from(orderLines)
      .innerJoin(orders, eq(orders.id, orderLines.orderId))
      .where(and(eq(orders.tenantId, tenantId), inArray(orders.status, revenueStatuses))),
  ]);
  const counts: Record<OrderStatus, number> = {
    draft: 0,
    pending: 0,
    confirmed: 0,
    shipped: 0,
    delivered: 0,
    cancelled: 0,
  };
  for (const row of byStatus) counts[row.status] = row.n;
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return { counts, total, revenueMinor: revenue?.minor ?? 0 };
}

export async function recentOrders(db: Executor, tenantId: string, limit = 6) {
  const page = await listOrders(db, tenantId, { page: 1, pageSize: limit });
  return page.rows;
}
