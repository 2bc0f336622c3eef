import type { OrderRow } from './types';

/** A product on the dashboard's low-stock list. */
export type LowStockRow = {
  id: string;
  sku: string;
  name: string;
  stock: number;
  reserved: number;
  lowStockThreshold: number;
  version: number;
};

/** What the dashboard shows besides the status counts (`GET /api/dashboard`); dates as ISO strings. */
export type DashboardData = {
  revenueMinor: number;
  recent: OrderRow[];
  lowStock: { rows: LowStockRow[]; total: number };
};
