import { z } from 'zod';
import { orderListRowSchema, orderStatusSchema } from '../live/order-contract';

/**
 * The catalog's contract as the browser reads it (browser-safe: zod only): the rows and pages of the read API
 * and the payloads of the `products`, `product:{id}`, `inventory` and `customers` events (lib/catalog/EVENTS.md).
 * The server's payload types (lib/catalog/events.ts) are checked against these in `contract-check.ts`; the
 * browser parses with them where the data enters (lib/wire/edge.ts). Orders: lib/live/order-contract.ts.
 */
export const fieldChangesSchema = z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }));

export const productRowSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  category: z.string(),
  priceMinor: z.number(),
  stock: z.number(),
  reserved: z.number(),
  lowStockThreshold: z.number(),
  version: z.number().int(),
  updatedAt: z.string(),
});
export const productDetailSchema = productRowSchema.extend({
  description: z.string(),
  createdAt: z.string(),
});

export const addressSchema = z.object({
  line1: z.string(),
  line2: z.string(),
  city: z.string(),
  postalCode: z.string(),
  country: z.string(),
});

export const customerRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  company: z.string(),
  email: z.string(),
  phone: z.string(),
  address: addressSchema,
  version: z.number().int(),
});

/** `product.created`. */
export const productCreatedEvent = z.object({ product: productRowSchema });
/**
 * `product.updated`: the delta, and the whole product except in a bulk update's per-product copies. Like every
 * schema here it requires what the browser reads (the server sends more: `ProductDto`), so a reader tolerates
 * additions and fails only on what it depends on.
 */
export const productUpdatedEvent = z.object({
  id: z.string(),
  version: z.number().int(),
  changes: fieldChangesSchema,
  product: productRowSchema.extend({ description: z.string().optional() }).optional(),
  bulk: z.boolean().optional(),
});
/** `product.deleted`. */
export const productDeletedEvent = z.object({ id: z.string(), name: z.string() });
/** `product.bulk_updated`: one event for many products, each with its delta. */
export const productBulkUpdatedEvent = z.object({
  count: z.number().int(),
  ids: z.array(z.string()),
  items: z.array(z.object({ id: z.string(), version: z.number().int(), changes: fieldChangesSchema })),
});
export const stockItemSchema = z.object({
  productId: z.string(),
  stock: z.number(),
  reserved: z.number(),
  version: z.number().int(),
});
/** `stock.changed` on `inventory` and `product:{id}`. */
export const stockChangedEvent = z.object({ items: z.array(stockItemSchema) });

/** `customer.created` / `customer.updated` on `customers`. */
export const customerChangedEvent = z.object({
  id: z.string(),
  version: z.number().int(),
  customer: customerRowSchema,
});

/** `order.status_changed` on `orders` and `order:{id}`. */
export const orderStatusChangedEvent = z.object({
  at: z.string().optional(),
  id: z.string(),
  from: orderStatusSchema,
  to: orderStatusSchema,
  version: z.number().int(),
});

// ---- the read API's answers ----------------------------------------------------------------------------------------

export const listPageOf = <T extends z.ZodType>(row: T) =>
  z.object({
    rows: z.array(row),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
    pages: z.number().int(),
  });

export const productPageAnswer = listPageOf(productRowSchema);
export const orderPageAnswer = listPageOf(orderListRowSchema);
/** `GET /api/customers` names its rows `items`. */
export const customerPageAnswer = listPageOf(customerRowSchema)
  .omit({ rows: true })
  .extend({ items: z.array(customerRowSchema) });
export const statusCountsAnswer = z.record(orderStatusSchema, z.number().int());

/** What a products event says for its toast ("Anna updated Thai tea 500 g"); every part optional. */
export const productToastEvent = z.object({
  product: z.object({ name: z.string(), sku: z.string() }).optional(),
  name: z.string().optional(),
  sku: z.string().optional(),
  count: z.number().int().optional(),
  bulk: z.boolean().optional(),
});
