import type { CustomerFilter, CustomerRow, OrderFilter, OrderRow, ProductFilter, ProductRow } from './types';

const contains = (text: string, term: string) => text.toLocaleLowerCase().includes(term.toLocaleLowerCase());

/** The same rules as the list queries (lib/db/queries): a row the server would not return no longer belongs. */
export function productMatches(filter: ProductFilter, row: ProductRow): boolean {
  if (filter.category && row.category !== filter.category) return false;
  if (filter.lowStock && row.stock > row.lowStockThreshold) return false;
  const term = filter.search.trim();
  return !term || contains(row.name, term) || contains(row.sku, term);
}

/** Fields whose change can move a product into or out of the filter. */
export function productFilterFields(filter: ProductFilter): string[] {
  const fields: string[] = [];
  if (filter.search.trim()) fields.push('name', 'sku');
  if (filter.category) fields.push('category');
  if (filter.lowStock) fields.push('stock', 'lowStockThreshold');
  return fields;
}

export function orderMatches(filter: OrderFilter, row: OrderRow): boolean {
  if (filter.status && row.status !== filter.status) return false;
  const term = filter.search.trim();
  return (
    !term ||
    contains(row.number, term) ||
    contains(row.customerName, term) ||
    contains(row.customerCompany, term)
  );
}

export function customerMatches(filter: CustomerFilter, row: CustomerRow): boolean {
  const term = filter.search.trim();
  return !term || contains(row.name, term) || contains(row.company, term) || contains(row.email, term);
}

export const isLowStock = (row: { stock: number; lowStockThreshold: number }) =>
  row.stock <= row.lowStockThreshold;
