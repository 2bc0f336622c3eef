import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Executor } from '../create-db';
import { orderLines, type Product, products } from '../schema';
import { abort, type Changes, diff, pgErrorCode, runInTransaction, type WriteOutcome } from './write-outcome';

export const productEditableFields = [
  'sku',
  'name',
  'description',
  'category',
  'priceMinor',
  'stock',
  'lowStockThreshold',
] as const;
export type ProductEditableField = (typeof productEditableFields)[number];

export type NewProductValues = {
  sku: string;
  name: string;
  description?: string;
  category?: string;
  priceMinor: number;
  stock?: number;
  lowStockThreshold?: number;
};
export type ProductPatch = Partial<Pick<Product, ProductEditableField>>;

export type ProductChange = { before: Product; after: Product; changes: Changes<Product> };

/** Fields a write reports as changed: the editable ones plus what the system maintains. */
const reportedFields = [...productEditableFields, 'reserved', 'version'] as const;

async function lockProduct(tx: Executor, tenantId: string, id: string): Promise<Product | undefined> {
  const [row] = await tx
    .select()
    .from(products)
    .where(and(eq(products.tenantId, tenantId), eq(products.id, id)))
    .for('update');
  return row;
}

async function skuTaken(tx: Executor, tenantId: string, sku: string, exceptId?: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: products.id })
    .from(products)
    .where(and(eq(products.tenantId, tenantId), eq(products.sku, sku)))
    .limit(1);
  return Boolean(row && row.id !== exceptId);
}

export async function createProduct(
  db: Db,
  tenantId: string,
  values: NewProductValues,
): Promise<WriteOutcome<Product>> {
  try {
    return await runInTransaction(db, async (tx) => {
      if (await skuTaken(tx, tenantId, values.sku)) abort({ reason: 'duplicate_sku', sku: values.sku });
      const [row] = await tx
        .insert(products)
        .values({ ...values, tenantId })
        .returning();
      if (!row) throw new Error('product insert returned nothing');
      return row;
    });
  } catch (error) {
    // Two creations of the same SKU at once: the unique index decides.
    if (pgErrorCode(error) === '23505') return { ok: false, reason: 'duplicate_sku', sku: values.sku };
    throw error;
  }
}

/**
 * Applies a patch when the product is still at `expectedVersion`. Stock may not drop below what open orders
 * have reserved.
 */
export async function updateProduct(
  db: Db,
  tenantId: string,
  id: string,
  expectedVersion: number,
  patch: ProductPatch,
): Promise<WriteOutcome<ProductChange>> {
  try {
    return await runInTransaction(db, async (tx) => {
      const before = await lockProduct(tx, tenantId, id);
      if (!before) return abort({ reason: 'not_found' });
      if (before.version !== expectedVersion)
        abort({ reason: 'stale_version', currentVersion: before.version });
      if (
        patch.sku !== undefined &&
        patch.sku !== before.sku &&
        (await skuTaken(tx, tenantId, patch.sku, id))
      )
        abort({ reason: 'duplicate_sku', sku: patch.sku });
      if (patch.stock !== undefined && patch.stock < before.reserved)
        abort({
          reason: 'insufficient_stock',
          items: [{ productId: id, sku: before.sku, requested: before.reserved, available: patch.stock }],
        });
      const [after] = await tx
        .update(products)
        .set({ ...patch, version: sql`${products.version} + 1`, updatedAt: new Date() })
        .where(and(eq(products.tenantId, tenantId), eq(products.id, id)))
        .returning();
      if (!after) throw new Error('locked product vanished');
      return { before, after, changes: diff(before, after, reportedFields) };
    });
  } catch (error) {
    if (pgErrorCode(error) === '23505') return { ok: false, reason: 'duplicate_sku', sku: patch.sku ?? '' };
    throw error;
  }
}

/** Deletes a product nobody's order refers to. `expectedVersion` is optional: a delete may be unconditional. */
export async function deleteProduct(
  db: Db,
  tenantId: string,
  id: string,
  expectedVersion?: number,
): Promise<WriteOutcome<Product>> {
  return runInTransaction(db, async (tx) => {
    const before = await lockProduct(tx, tenantId, id);
    if (!before) return abort({ reason: 'not_found' });
    if (expectedVersion !== undefined && before.version !== expectedVersion)
      abort({ reason: 'stale_version', currentVersion: before.version });
    const [used] = await tx
      .select({ n: count() })
      .from(orderLines)
      .where(and(eq(orderLines.tenantId, tenantId), eq(orderLines.productId, id)));
    if ((used?.n ?? 0) > 0) abort({ reason: 'in_use', orderLines: used?.n ?? 0 });
    await tx.delete(products).where(and(eq(products.tenantId, tenantId), eq(products.id, id)));
    return before;
  });
}

export type BulkOperation =
  | { kind: 'price_percent'; percent: number }
  | { kind: 'price_amount'; amountMinor: number }
  | { kind: 'stock_adjust'; delta: number };

export type BulkItem = {
  id: string;
  sku: string;
  version: number;
  lowStockThreshold: number;
  stock: number;
  reserved: number;
  priceMinor: number;
  changes: Changes<Product>;
};

function applyOperation(product: Product, operation: BulkOperation): { priceMinor: number; stock: number } {
  switch (operation.kind) {
    case 'price_percent':
      return {
        priceMinor: Math.round((product.priceMinor * (100 + operation.percent)) / 100),
        stock: product.stock,
      };
    case 'price_amount':
      return { priceMinor: product.priceMinor + operation.amountMinor, stock: product.stock };
    case 'stock_adjust':
      return { priceMinor: product.priceMinor, stock: product.stock + operation.delta };
    default: {
      const unknown: never = operation;
      throw new Error(`unknown bulk operation ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * One operation over a selection of products in one transaction: all change or none. Rows are locked in id order,
 * the same order every other multi-product write uses, so concurrent bulk writes and confirmations cannot deadlock.
 * An id that is not in the tenant reads as not found, like any other missing id.
 */
export async function bulkUpdateProducts(
  db: Db,
  tenantId: string,
  ids: readonly string[],
  operation: BulkOperation,
): Promise<WriteOutcome<BulkItem[]>> {
  const unique = [...new Set(ids)].sort();
  return runInTransaction(db, async (tx) => {
    const rows = await tx
      .select()
      .from(products)
      .where(and(eq(products.tenantId, tenantId), inArray(products.id, unique)))
      .orderBy(asc(products.id))
      .for('update');
    if (rows.length !== unique.length) return abort({ reason: 'not_found' });
    const planned = rows.map((row) => ({ row, next: applyOperation(row, operation) }));
    const negative = planned.filter((p) => p.next.priceMinor < 0).map((p) => p.row.id);
    if (negative.length > 0) abort({ reason: 'price_negative', ids: negative });
    const short = planned.filter((p) => p.next.stock < p.row.reserved);
    if (short.length > 0)
      abort({
        reason: 'insufficient_stock',
        items: short.map((p) => ({
          productId: p.row.id,
          sku: p.row.sku,
          requested: p.row.reserved,
          available: p.next.stock,
        })),
      });
    const priceCase = sql.join(
      planned.map((p) => sql`when ${p.row.id}::uuid then ${p.next.priceMinor}::integer`),
      sql` `,
    );
    const stockCase = sql.join(
      planned.map((p) => sql`when ${p.row.id}::uuid then ${p.next.stock}::integer`),
      sql` `,
    );
    const updated = await tx
      .update(products)
      .set({
        priceMinor: sql`case ${products.id} ${priceCase} end`,
        stock: sql`case ${products.id} ${stockCase} end`,
        version: sql`${products.version} + 1`,
        updatedAt: new Date(),
      })
      .where(and(eq(products.tenantId, tenantId), inArray(products.id, unique)))
      .returning();
    const byId = new Map(updated.map((row) => [row.id, row]));
    return rows.map((before) => {
      const after = byId.get(before.id);
      if (!after) throw new Error('locked product vanished');
      return {
        id: after.id,
        sku: after.sku,
        version: after.version,
        lowStockThreshold: after.lowStockThreshold,
        stock: after.stock,
        reserved: after.reserved,
        priceMinor: after.priceMinor,
        changes: diff(before, after, reportedFields),
      };
    });
  });
}
