import { z } from 'zod';
import { orderListRowSchema } from './order-contract';

/** A product on the dashboard's low-stock list. */
export const lowStockRowSchema = z.object({
  id: z.string(),
  sku: z.string(),
  name: z.string(),
  stock: z.number(),
  reserved: z.number(),
  lowStockThreshold: z.number(),
  version: z.number().int(),
});
export type LowStockRow = z.infer<typeof lowStockRowSchema>;

/** What the dashboard shows besides the status counts (`GET /api/dashboard`); dates as ISO strings. */
export const dashboardAnswer = z.object({
  revenueMinor: z.number(),
  recent: z.array(orderListRowSchema),
  lowStock: z.object({ rows: z.array(lowStockRowSchema), total: z.number().int() }),
});
export type DashboardData = z.infer<typeof dashboardAnswer>;
