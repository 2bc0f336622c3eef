import type { Tx } from '../db/create-db';
import { findOrderListRow, type OrderListRow } from '../db/queries/orders';
import { enqueueOutboxEvents } from '../db/queries/outbox';
import type { OrderStatus } from '../db/schema';
import { type EventActor, eventBase } from './events';

/** An order as the lists show it and as `order.created` / `order.updated` carry it (dates as ISO strings). */
export type OrderListItem = {
  id: string;
  number: string;
  status: OrderStatus;
  customerId: string;
  customerName: string;
  customerCompany: string;
  itemCount: number;
  totalMinor: number;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export function toOrderListItem(row: OrderListRow): OrderListItem {
  return { ...row, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

/** The sections of an order whose change the lists show (customer, items and totals, status). */
export const listedOrderSections: ReadonlySet<string> = new Set(['customer', 'lines', 'status']);

/**
 * Writes `order.created` or `order.updated` for the `orders` channel into the outbox, in the transaction of the
 * write (read after it, so the row is the committed one). Returns the row it carries.
 */
export async function enqueueOrderListEvent(
  tx: Tx,
  tenantId: string,
  orderId: string,
  actor: EventActor,
  event: 'order.created' | 'order.updated',
  fields: readonly string[],
): Promise<OrderListItem | null> {
  const row = await findOrderListRow(tx, tenantId, orderId);
  if (!row) return null;
  const order = toOrderListItem(row);
  const data = { ...eventBase(actor), id: order.id, version: order.version, fields: [...fields], order };
  await enqueueOutboxEvents(tx, tenantId, `order:${order.id}`, [
    { channel: 'orders', event, data, actor: { id: actor.id, name: actor.name } },
  ]);
  return order;
}
