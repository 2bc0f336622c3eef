import { z } from 'zod';

/**
 * The payloads of the `orders` channel's row events and of a customer change as the order lists read them,
 * parsed where they enter the browser (lib/catalog/EVENTS.md). Browser-safe: zod only.
 */
export const orderStatusSchema = z.enum([
  'draft',
  'pending',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
]);

export const orderListRowSchema = z.object({
  id: z.string(),
  number: z.string(),
  status: orderStatusSchema,
  customerId: z.string(),
  customerName: z.string(),
  customerCompany: z.string(),
  itemCount: z.number(),
  totalMinor: z.number(),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const actor = z.object({ id: z.string(), name: z.string() });

/** `order.created` and `order.updated` on `orders`. */
export const orderListEventSchema = z.object({
  actor,
  at: z.string(),
  id: z.string(),
  version: z.number().int(),
  fields: z.array(z.string()),
  order: orderListRowSchema,
});
export type OrderListEvent = z.infer<typeof orderListEventSchema>;

/** `customer.updated` / `customer.created` on `customers`, as far as order lists and pickers need it. */
export const customerEventSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  customer: z.object({
    id: z.string(),
    name: z.string(),
    company: z.string(),
    email: z.string(),
    phone: z.string(),
  }),
});
export type CustomerEvent = z.infer<typeof customerEventSchema>;
