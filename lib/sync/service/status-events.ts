import { type StockItem, stockItemOfProduct } from '../../catalog/dto';
import { type CatalogEvent, type EventActor, eventBase } from '../../catalog/events';
import { stockEffect } from '../../catalog/order-transitions';
import type { Executor } from '../../db/create-db';
import { findProduct } from '../../db/queries/catalog-reads';
import { loadSyncedOrder } from '../../db/queries/order-writes';
import type { EntityChangeRow } from '../../db/schema';
import { orderStatuses, type SyncOrderStatus } from '../types';

const isStatus = (value: unknown): value is SyncOrderStatus =>
  typeof value === 'string' && (orderStatuses as readonly string[]).includes(value);

/**
 * The catalog's events for a status change committed through sync (lib/catalog/EVENTS.md), so the order lists, the
 * status counts, stock views and product pages follow it as they follow the catalog's status change:
 * `order.status_changed` on `orders` and the order's room, then, when the transition moved stock, one
 * `stock.changed` on `inventory` and one per product room. Empty for any other change.
 *
 * Read after the commit: each stock item carries its product's version, so a client that already saw a newer write
 * to that product ignores the item (and one that missed something refetches), as it does for catalog events.
 */
export async function statusChangeEvents(
  db: Executor,
  tenantId: string,
  applied: EntityChangeRow,
  actor: EventActor,
): Promise<{ number: string; events: CatalogEvent[] } | null> {
  const { before: from, after: to } = applied;
  if (applied.field !== 'status' || !isStatus(from) || !isStatus(to) || from === to) return null;
  const moved = stockEffect(from, to) !== 'none';
  const order = await loadSyncedOrder(db, tenantId, applied.entityId, false, moved);
  if (!order) return null;
  const stock: StockItem[] = [];
  for (const productId of [...new Set(order.lines.map((line) => line.productId))].sort()) {
    const product = await findProduct(db, tenantId, productId);
    if (product) stock.push(stockItemOfProduct(product));
  }
  const base = eventBase(actor);
  const data = {
    ...base,
    id: order.id,
    number: order.number,
    from,
    to,
    version: applied.version,
    changes: {
      status: { before: from, after: to },
      version: { before: applied.version - 1, after: applied.version },
    },
    stock,
  };
  const events: CatalogEvent[] = [
    { channel: 'orders', event: 'order.status_changed', data },
    { channel: `order:${order.id}`, event: 'order.status_changed', data },
  ];
  if (stock.length > 0) {
    const cause = { kind: 'order.status_changed' as const, orderId: order.id, from, to };
    events.push({ channel: 'inventory', event: 'stock.changed', data: { ...base, cause, items: stock } });
    for (const item of stock)
      events.push({
        channel: `product:${item.productId}`,
        event: 'stock.changed',
        data: { ...base, cause, items: [item] },
      });
  }
  return { number: order.number, events };
}
