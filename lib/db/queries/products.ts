import { and, asc, count, eq, ilike, lte, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { products } from '../schema';
import { containsPattern, offsetOf, type Page, type PageRequest, toPage } from './pagination';

export type ProductListFilter = PageRequest & { search?: string; category?: string; lowStock?: boolean };

const listColumns = {
  id: products.id,
  sku: products.sku,
  name: products.name,
  category: products.category,
  priceMinor: products.priceMinor,
  stock: products.stock,
  reserved: products.reserved,
  lowStockThreshold: products.lowStockThreshold,
  version: products.version,
  updatedAt: products.updatedAt,
};

export type ProductListRow = {
  id: string;
  sku: string;
  name: string;
  category: string;
  priceMinor: number;
  stock: number;
  reserved: number;
  lowStockThreshold: number;
  version: number;
  updatedAt: Date;
};

export function isLowStock(product: { stock: number; lowStockThreshold: number }): boolean {
  return product.stock <= product.lowStockThreshold;
}

function listConditions(tenantId: string, filter: Omit<ProductListFilter, keyof PageRequest>) {
  const conditions: (SQL | undefined)[] = [eq(products.tenantId, tenantId)];
  if (filter.category) conditions.push(eq(products.category, filter.category));
  if (filter.lowStock) conditions.push(lte(products.stock, products.lowStockThreshold));
  const term = filter.search?.trim();
  if (term) {
    const pattern = containsPattern(term);
    conditions.push(or(ilike(products.name, pattern), ilike(products.sku, pattern)));
  }
  return and(...conditions);
}

/** One page of the tenant's products by name. */
export async function listProducts(
  db: Executor,
  tenantId: string,
  filter: ProductListFilter,
): Promise<Page<ProductListRow>> {
  const where = listConditions(tenantId, filter);
  const [rows, [counted]] = await Promise.all([
    db
      .select(listColumns)
      .from(products)
      .where(where)
      .orderBy(asc(products.name), asc(products.sku))
      .limit(filter.pageSize)
      .offset(offsetOf(filter)),
    db.select({ n: count() }).from(products).where(where),
  ]);
  return toPage(rows, counted?.n ?? 0, filter);
}

export async function getProduct(db: Executor, tenantId: string, productId: string) {
  const [row] = await db
    .select({ ...listColumns, description: products.description, createdAt: products.createdAt })
    .from(products)
    .where(and(eq(products.tenantId, tenantId), eq(products.id, productId)))
    .limit(1);
  return row ?? null;
}
export type ProductDetail = NonNullable<Awaited<ReturnType<typeof getProduct>>>;

export async function listCategories(db: Executor, tenantId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ category: products.category })
    .from(products)
    .where(eq(products.tenantId, tenantId))
    .orderBy(asc(products.category));
  return rows.map((row) => row.category).filter(Boolean);
}

/** Products at or below their threshold, emptiest first. */
export async function lowStockProducts(db: Executor, tenantId: string, limit = 8) {
  const where = listConditions(tenantId, { lowStock: true });
  const [rows, [counted]] = await Promise.all([
    db
      .select(listColumns)
      .from(products)
      .where(where)
      .orderBy(asc(products.stock), asc(products.name))
      .limit(limit),
    db.select({ n: count() }).from(products).where(where),
  ]);
  return { rows, total: counted?.n ?? 0 };
}
