import type { OrderStatus } from '../db/schema';
import type { Logger } from '../logger';
import type { PublishInput } from '../realtime/server';
import type { CustomerDto, ProductDto, StockItem } from './dto';
import type { OrderListItem } from './order-events';

/** The names front ends listen for; lib/catalog/EVENTS.md documents each payload. */
export const catalogEvents = {
  productCreated: 'product.created',
  productUpdated: 'product.updated',
  productDeleted: 'product.deleted',
  productBulkUpdated: 'product.bulk_updated',
  stockChanged: 'stock.changed',
  priceChanged: 'price.changed',
  customerCreated: 'customer.created',
  customerUpdated: 'customer.updated',
  orderStatusChanged: 'order.status_changed',
  orderCreated: 'order.created',
  orderUpdated: 'order.updated',
} as const;

export type EventActor = { id: string; name: string };
export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

export type PriceItem = {
  productId: string;
  sku: string;
  beforeMinor: number;
  afterMinor: number;
  version: number;
};

/** Why stock or a price moved: the write that caused it. */
export type ChangeCause =
  | { kind: 'product.created' | 'product.updated' | 'product.bulk_updated'; productIds: string[] }
  | { kind: 'order.status_changed'; orderId: string; from: string; to: string };

export type CatalogEvent =
  | { channel: 'products' | `product:${string}`; event: 'product.created'; data: ProductCreatedData }
  | { channel: 'products' | `product:${string}`; event: 'product.updated'; data: ProductUpdatedData }
  | { channel: 'products' | `product:${string}`; event: 'product.deleted'; data: ProductDeletedData }
  | { channel: 'products'; event: 'product.bulk_updated'; data: ProductBulkUpdatedData }
  | { channel: 'inventory' | `product:${string}`; event: 'stock.changed'; data: StockChangedData }
  | { channel: 'pricing'; event: 'price.changed'; data: PriceChangedData }
  | { channel: 'customers'; event: 'customer.created'; data: CustomerCreatedData }
  | { channel: 'customers'; event: 'customer.updated'; data: CustomerUpdatedData }
  | { channel: 'orders' | `order:${string}`; event: 'order.status_changed'; data: OrderStatusChangedData }
  | { channel: 'orders'; event: 'order.created' | 'order.updated'; data: OrderListEventData };

type Base = { actor: EventActor; at: string };
export type ProductCreatedData = Base & { id: string; version: number; product: ProductDto };
export type ProductUpdatedData = Base & {
  id: string;
  version: number;
  changes: FieldChanges;
  /** The product after the change; absent in the per-product copies of a bulk update. */
  product?: ProductDto;
  bulk?: boolean;
};
export type ProductDeletedData = Base & { id: string; version: number; sku: string; name: string };
export type ProductBulkUpdatedData = Base & {
  operation: Record<string, unknown>;
  count: number;
  ids: string[];
  items: { id: string; version: number; changes: FieldChanges }[];
};
export type StockChangedData = Base & { cause: ChangeCause; items: StockItem[] };
export type PriceChangedData = Base & { cause: ChangeCause; items: PriceItem[] };
export type CustomerCreatedData = Base & { id: string; version: number; customer: CustomerDto };
export type CustomerUpdatedData = Base & {
  id: string;
  version: number;
  changes: FieldChanges;
  customer: CustomerDto;
};
export type OrderStatusChangedData = Base & {
  id: string;
  number: string;
  from: OrderStatus;
  to: OrderStatus;
  version: number;
  changes: FieldChanges;
  stock: StockItem[];
};

/** `fields` names the order's sections that changed (`customer`, `lines`, `status`; empty on creation). */
export type OrderListEventData = Base & {
  id: string;
  version: number;
  fields: string[];
  order: OrderListItem;
};

export type Publish = (input: PublishInput) => Promise<unknown>;

/**
 * Publishes the events of one committed write, in order. The write is already durable, so a failed publish is
 * logged (with the event) and does not turn the write into an error; clients that missed it recover through the
 * channel history or a refetch.
 */
export async function publishAll(
  publish: Publish,
  logger: Logger | undefined,
  tenantId: string,
  actor: EventActor,
  events: CatalogEvent[],
): Promise<number> {
  let published = 0;
  for (const e of events) {
    try {
      await publish({ tenantId, channel: e.channel, event: e.event, data: e.data, actor });
      published++;
    } catch (error) {
      logger?.error({ err: error, channel: e.channel, event: e.event }, 'catalog event publish failed');
    }
  }
  return published;
}

export const eventBase = (actor: EventActor): Base => ({
  actor: { id: actor.id, name: actor.name },
  at: new Date().toISOString(),
});
