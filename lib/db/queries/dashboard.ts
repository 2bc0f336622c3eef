import type { Executor } from '../create-db';
import { orderStats, recentOrders } from './orders';
import { lowStockProducts } from './products';

/** The dashboard's figures and lists in one read: status counts, revenue, newest orders, low stock. */
export async function dashboardSummary(db: Executor, tenantId: string, limit = 6) {
  const [stats, recent, lowStock] = await Promise.all([
    orderStats(db, tenantId),
    recentOrders(db, tenantId, limit),
    lowStockProducts(db, tenantId, limit),
  ]);
  return {
    counts: stats.counts,
    revenueMinor: stats.revenueMinor,
    recent: recent.map((row) => ({
      ...row,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    })),
    lowStock: {
      total: lowStock.total,
      rows: lowStock.rows.map((p) => ({
        id: p.id,
        sku: p.sku,
        name: p.name,
        stock: p.stock,
        reserved: p.reserved,
        lowStockThreshold: p.lowStockThreshold,
        version: p.version,
      })),
    },
  };
}
