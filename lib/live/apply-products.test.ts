import { describe, expect, it } from 'vitest';
import { applyToProduct, applyToProductList } from './apply-products';
import type { ListPage, LiveEvent, ProductDetail, ProductFilter, ProductRow } from './types';

const row = (id: string, patch: Partial<ProductRow> = {}): ProductRow => ({
  id,
  sku: `SKU-${id}`,
  name: `Product ${id}`,
  category: 'Snacks',
  priceMinor: 1000,
  stock: 50,
  reserved: 0,
  lowStockThreshold: 5,
  version: 3,
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...patch,
});
const page = (rows: ProductRow[], extra: Partial<ListPage<ProductRow>> = {}): ListPage<ProductRow> => ({
  rows,
  total: rows.length,
  page: 1,
  pageSize: 25,
  pages: 1,
  ...extra,
});
const all: ProductFilter = { search: '', lowStock: false, page: 1, pageSize: 25 };
const anna = { id: 'u-anna', name: 'Anna' };
const updated = (
  id: string,
  version: number,
  changes: Record<string, [unknown, unknown]>,
  full?: ProductRow,
) => ({
  event: 'product.updated',
  actor: anna,
  data: {
    id,
    version,
    changes: Object.fromEntries(
      Object.entries(changes).map(([k, [before, after]]) => [k, { before, after }]),
    ),
    ...(full ? { product: full } : {}),
  },
});

describe('applyToProductList', () => {
  it.each<[string, LiveEvent, Partial<ProductRow> | null, boolean]>([
    [
      'a delta on the next version patches the row',
      updated('a', 4, { priceMinor: [1000, 1200] }),
      { priceMinor: 1200, version: 4 },
      false,
    ],
    ['an older version is ignored', updated('a', 2, { priceMinor: [1, 2] }), null, false],
    ['the same version is ignored', updated('a', 3, { priceMinor: [1, 2] }), null, false],
    ['a delta that skips versions refetches', updated('a', 6, { priceMinor: [1, 2] }), null, true],
    [
      'a full product applies over a gap',
      updated('a', 6, { priceMinor: [1, 2] }, row('a', { priceMinor: 2, version: 6, name: 'Renamed' })),
      { priceMinor: 2, version: 6, name: 'Renamed' },
      false,
    ],
    [
      'a stock item is absolute',
      { event: 'stock.changed', data: { items: [{ productId: 'a', stock: 3, reserved: 1, version: 5 }] } },
      { stock: 3, reserved: 1, version: 5 },
      false,
    ],
  ])('%s', (_name, event, expected, refetch) => {
    const before = page([row('a'), row('b')]);
    const result = applyToProductList(before, all, event);
    expect(result.refetch).toBe(refetch);
    if (expected === null) expect(result.value.rows[0]).toEqual(before.rows[0]);
    else expect(result.value.rows[0]).toMatchObject(expected);
    expect(result.value.rows[1]).toBe(before.rows[1]);
  });

  it('applies a bulk update to every listed row in place (one event, many rows)', () => {
    const rows = Array.from({ length: 20 }, (_, i) => row(`p${i}`));
    const event: LiveEvent = {
      event: 'product.bulk_updated',
      actor: anna,
      data: {
        count: 20,
        ids: rows.map((r) => r.id),
        items: rows.map((r) => ({
          id: r.id,
          version: 4,
          changes: { priceMinor: { before: 1000, after: 1100 } },
        })),
      },
    };
    const result = applyToProductList(page(rows), all, event);
    expect(result.refetch).toBe(false);
    expect(result.value.rows.map((r) => [r.priceMinor, r.version])).toEqual(rows.map(() => [1100, 4]));
  });

  it('removes a row that leaves the filter, and refetches when a later page would fill the hole', () => {
    const low: ProductFilter = { ...all, lowStock: true };
    const before = page([row('a', { stock: 2 }), row('b', { stock: 1 })], { total: 30, pages: 2 });
    const result = applyToProductList(before, low, updated('a', 4, { stock: [2, 40] }));
    expect(result.value.rows.map((r) => r.id)).toEqual(['b']);
    expect(result.value.total).toBe(29);
    expect(result.refetch).toBe(true);
  });

  it('refetches when a product off this page may now match the filter', () => {
    const low: ProductFilter = { ...all, lowStock: true };
    expect(
      applyToProductList(page([row('a', { stock: 1 })]), low, updated('z', 9, { stock: [50, 1] })).refetch,
    ).toBe(true);
    expect(applyToProductList(page([row('a')]), all, updated('z', 9, { stock: [50, 1] })).refetch).toBe(
      false,
    );
  });

  it('drops a deleted row and lets the server place a created one', () => {
    const before = page([row('a'), row('b')]);
    const deleted = applyToProductList(before, all, {
      event: 'product.deleted',
      data: { id: 'a', name: 'x' },
    });
    expect(deleted.value.rows.map((r) => r.id)).toEqual(['b']);
    expect(deleted.value.total).toBe(1);
    const search: ProductFilter = { ...all, search: 'tea' };
    const created = (name: string) => ({ event: 'product.created', data: { product: row('n', { name }) } });
    expect(applyToProductList(before, search, created('Green tea')).refetch).toBe(true);
    expect(applyToProductList(before, search, created('Coffee')).refetch).toBe(false);
  });
});

describe('applyToProduct', () => {
  const detail: ProductDetail = { ...row('a'), description: '', createdAt: '2026-01-01T00:00:00.000Z' };
  it('turns into a tombstone naming who deleted it', () => {
    const result = applyToProduct(
      { state: 'present', product: detail },
      { event: 'product.deleted', actor: anna, data: { id: 'a', name: 'Product a' } },
    );
    expect(result.value).toEqual({ state: 'deleted', id: 'a', name: 'Product a', by: anna });
  });
  it('ignores other products and patches its own', () => {
    const entry = { state: 'present' as const, product: detail };
    expect(applyToProduct(entry, updated('b', 4, { stock: [1, 2] })).value).toBe(entry);
    expect(applyToProduct(entry, updated('a', 4, { stock: [50, 7] })).value).toMatchObject({
      product: { stock: 7, version: 4 },
    });
  });
});
