import { z } from 'zod';
import { pageRequestSchema } from '../db/queries/pagination';

/** Input shapes of the catalog writes, shared by the REST handlers and the server actions. */

export const MAX_BULK_IDS = 500;

export const entityId = z.string().uuid();
const text = (max: number) => z.string().trim().max(max);
const money = z.number().int().min(0).max(1_000_000_000);
const quantity = z.number().int().min(0).max(10_000_000);
const version = z.number().int().positive();

export const productCreateInput = z
  .object({
    sku: text(64)
      .min(1)
      .regex(/^[A-Za-z0-9._-]+$/, 'Letters, digits, dot, dash and underscore only'),
    name: text(200).min(1),
    description: text(5000).optional(),
    category: text(100).optional(),
    priceMinor: money,
    stock: quantity.optional(),
    lowStockThreshold: quantity.optional(),
  })
  .strict();
export type ProductCreateInput = z.infer<typeof productCreateInput>;

export const productPatchInput = z
  .object({
    expectedVersion: version,
    changes: productCreateInput.partial().strict(),
  })
  .strict()
  .refine((v) => Object.keys(v.changes).length > 0, { path: ['changes'], message: 'Nothing to change' });
export type ProductPatchInput = z.infer<typeof productPatchInput>;

export const productDeleteInput = z.object({ expectedVersion: version.optional() }).strict();

export const bulkOperation = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('price_percent'), percent: z.number().finite().min(-100).max(1000) }).strict(),
  z
    .object({
      kind: z.literal('price_amount'),
      amountMinor: z.number().int().min(-1_000_000_000).max(1_000_000_000),
    })
    .strict(),
  z
    .object({ kind: z.literal('stock_adjust'), delta: z.number().int().min(-10_000_000).max(10_000_000) })
    .strict(),
]);
export type BulkOperationInput = z.infer<typeof bulkOperation>;

export const bulkUpdateInput = z
  .object({
    ids: z.array(entityId).min(1).max(MAX_BULK_IDS),
    operation: bulkOperation,
  })
  .strict();
export type BulkUpdateInput = z.infer<typeof bulkUpdateInput>;

export const address = z
  .object({
    line1: text(200).min(1),
    line2: text(200).default(''),
    city: text(100).min(1),
    postalCode: text(20).min(1),
    country: z
      .string()
      .trim()
      .regex(/^[A-Z]{2}$/, 'Two-letter country code'),
  })
  .strict();

export const customerCreateInput = z
  .object({
    name: text(200).min(1),
    email: z.string().trim().toLowerCase().email().max(254),
    phone: text(50).optional(),
    company: text(200).optional(),
    address,
  })
  .strict();
export type CustomerCreateInput = z.infer<typeof customerCreateInput>;

export const customerPatchInput = z
  .object({
    expectedVersion: version,
    changes: customerCreateInput.partial().strict(),
  })
  .strict()
  .refine((v) => Object.keys(v.changes).length > 0, { path: ['changes'], message: 'Nothing to change' });
export type CustomerPatchInput = z.infer<typeof customerPatchInput>;

export const customerListQuery = z
  .object({ q: z.string().trim().max(100).optional() })
  .extend(pageRequestSchema.shape);

export const orderStatusInput = z
  .object({
    status: z.enum(['draft', 'pending', 'confirmed', 'shipped', 'delivered', 'cancelled']),
    expectedVersion: version.optional(),
  })
  .strict();
export type OrderStatusInput = z.infer<typeof orderStatusInput>;

/** Most lines one new order takes. */
export const MAX_ORDER_LINES = 200;

export const orderCreateInput = z
  .object({
    customerId: entityId,
    shippingAddress: address.optional(),
    notes: z.string().max(20_000).default(''),
    lines: z
      .array(z.object({ productId: entityId, quantity: z.number().int().min(1).max(1_000_000) }).strict())
      .min(1)
      .max(MAX_ORDER_LINES),
  })
  .strict();
export type OrderCreateInput = z.infer<typeof orderCreateInput>;
