import type { z } from 'zod';
import {
  productBulkUpdatedEvent,
  productCreatedEvent,
  productDeletedEvent,
  productDetailSchema,
  productUpdatedEvent,
  stockChangedEvent,
  type stockItemSchema,
} from '../catalog/contract';
import { parseWire } from '../wire/edge';
import { productFilterFields, productMatches } from './filters';
import type {
  Applied,
  ListPage,
  LiveEvent,
  ProductDetail,
  ProductEntry,
  ProductFilter,
  ProductRow,
} from './types';

type Changes = Record<string, { before: unknown; after: unknown }>;
type StockItem = z.infer<typeof stockItemSchema>;
type Patch = {
  id: string;
  version: number;
  apply: <T extends ProductRow>(row: T) => T;
  fields: string[];
  exact: boolean;
};

const rowFields = [
  'sku',
  'name',
  'category',
  'priceMinor',
  'stock',
  'reserved',
  'lowStockThreshold',
] as const;

/** A delta's new values, each checked against the product's schema (fields the browser does not show are left out). */
function fromChanges(changes: Changes) {
  const after = Object.fromEntries(Object.entries(changes).map(([field, change]) => [field, change.after]));
  return fromProduct(parseWire('catalog.productChanges', productDetailSchema.partial(), after) ?? {});
}

function fromProduct(product: Partial<ProductDetail>) {
  return <T extends ProductRow>(row: T): T => {
    const next: Record<string, unknown> = { ...row };
    for (const field of [...rowFields, 'version', 'updatedAt', 'description'] as const)
      if (product[field] !== undefined) next[field] = product[field];
    return next as T;
  };
}

function fromStock(item: StockItem) {
  return <T extends ProductRow>(row: T): T => ({
    ...row,
    stock: item.stock,
    reserved: item.reserved,
    version: item.version,
  });
}

/**
 * What an event says about products, as patches. `exact` patches carry the whole new state of the fields they
 * touch (a full product, a stock item), so they apply over any older version; the others are deltas
 * (`changes`) and apply only on top of the version just before.
 */
export function productPatches(
  event: LiveEvent,
): Patch[] | 'created' | { deleted: string; name: string } | null {
  switch (event.event) {
    case 'product.created':
      return 'created';
    case 'product.deleted': {
      const data = parseWire('catalog.productDeleted', productDeletedEvent, event.data);
      return data ? { deleted: data.id, name: data.name } : null;
    }
    case 'product.updated': {
      const data = parseWire('catalog.productUpdated', productUpdatedEvent, event.data);
      if (!data) return null;
      return [
        {
          id: data.id,
          version: data.version,
          apply: data.product ? fromProduct(data.product) : fromChanges(data.changes),
          fields: Object.keys(data.changes),
          exact: Boolean(data.product),
        },
      ];
    }
    case 'product.bulk_updated': {
      const data = parseWire('catalog.productBulkUpdated', productBulkUpdatedEvent, event.data);
      return (data?.items ?? []).map((item) => ({
        id: item.id,
        version: item.version,
        apply: fromChanges(item.changes),
        fields: Object.keys(item.changes),
        exact: false,
      }));
    }
    case 'stock.changed': {
      const data = parseWire('catalog.stockChanged', stockChangedEvent, event.data);
      return (data?.items ?? []).map((item) => ({
        id: item.productId,
        version: item.version,
        apply: fromStock(item),
        fields: ['stock', 'reserved'],
        exact: true,
      }));
    }
    default:
      return null;
  }
}

/** Applies one patch to one cached row: ignore older, patch newer, `unsure` when a delta skips versions. */
function patchRow<T extends ProductRow>(row: T, patch: Patch): { row: T; unsure: boolean } {
  if (patch.version < row.version || (!patch.exact && patch.version === row.version))
    return { row, unsure: false };
  if (!patch.exact && patch.version !== row.version + 1) return { row, unsure: true };
  return { row: { ...patch.apply(row), version: patch.version }, unsure: false };
}

/** Applies a `products` / `inventory` event to one cached page of the product list. */
export function applyToProductList(
  page: ListPage<ProductRow>,
  filter: ProductFilter,
  event: LiveEvent,
): Applied<ListPage<ProductRow>> {
  const patches = productPatches(event);
  if (patches === null) return { value: page, refetch: false };
  // A new product may belong anywhere in the sorted pages: let the server place it.
  if (patches === 'created') {
    const created = parseWire('catalog.productCreated', productCreatedEvent, event.data);
    return { value: page, refetch: !created || productMatches(filter, created.product) };
  }
  if ('deleted' in patches) {
    const rows = page.rows.filter((row) => row.id !== patches.deleted);
    if (rows.length === page.rows.length) return { value: page, refetch: false };
    return { value: { ...page, rows, total: Math.max(0, page.total - 1) }, refetch: false };
  }
  const watched = productFilterFields(filter);
  let refetch = false;
  let removed = 0;
  const byId = new Map(patches.map((p) => [p.id, p]));
  const rows: ProductRow[] = [];
  for (const row of page.rows) {
    const patch = byId.get(row.id);
    byId.delete(row.id);
    if (!patch) {
      rows.push(row);
      continue;
    }
    const result = patchRow(row, patch);
    refetch ||= result.unsure;
    if (productMatches(filter, result.row)) rows.push(result.row);
    else removed++;
  }
  // A product not on this page whose change touches the filter may now belong here.
  for (const patch of byId.values()) if (patch.fields.some((f) => watched.includes(f))) refetch = true;
  // A removed row leaves a hole at the end of the page that the next page would fill.
  if (removed > 0 && page.pages > page.page) refetch = true;
  if (removed === 0 && rows.every((row, i) => row === page.rows[i])) return { value: page, refetch };
  return { value: { ...page, rows, total: Math.max(0, page.total - removed) }, refetch };
}

/** Applies a `product:{id}` (or `products` / `inventory`) event to the product page's entry. */
export function applyToProduct(entry: ProductEntry, event: LiveEvent): Applied<ProductEntry> {
  if (entry.state === 'deleted') return { value: entry, refetch: false };
  const patches = productPatches(event);
  if (patches === null || patches === 'created') return { value: entry, refetch: false };
  const { product } = entry;
  if ('deleted' in patches) {
    if (patches.deleted !== product.id) return { value: entry, refetch: false };
    return {
      value: { state: 'deleted', id: product.id, name: product.name, by: event.actor ?? null },
      refetch: false,
    };
  }
  const patch = patches.find((p) => p.id === product.id);
  if (!patch) return { value: entry, refetch: false };
  const result = patchRow(product, patch);
  return { value: { state: 'present', product: result.row }, refetch: result.unsure };
}
