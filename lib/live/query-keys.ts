import type { CustomerFilter, OrderFilter, ProductFilter } from './types';

/** Every live query key in one place: the bridge finds cached lists by these prefixes. */
export const liveKeys = {
  products: ['products'] as const,
  productLists: ['products', 'list'] as const,
  productList: (filter: ProductFilter) => ['products', 'list', filter] as const,
  product: (id: string) => ['products', 'detail', id] as const,
  productDetails: ['products', 'detail'] as const,
  orders: ['orders'] as const,
  orderLists: ['orders', 'list'] as const,
  orderList: (filter: OrderFilter) => ['orders', 'list', filter] as const,
  orderStats: ['orders', 'stats'] as const,
  dashboard: ['dashboard'] as const,
  customers: ['customers'] as const,
  customerLists: ['customers', 'list'] as const,
  customerList: (filter: CustomerFilter) => ['customers', 'list', filter] as const,
};

function query(values: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined || value === '' || value === false) continue;
    params.set(key, value === true ? '1' : String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The read API address of each list (the same filters as the page's URL). */
export const liveUrls = {
  productList: (f: ProductFilter) =>
    `/api/products${query({ q: f.search, category: f.category, low: f.lowStock, page: f.page, pageSize: f.pageSize })}`,
  product: (id: string) => `/api/products/${id}`,
  orderList: (f: OrderFilter) =>
    `/api/orders${query({ status: f.status, q: f.search, page: f.page, pageSize: f.pageSize })}`,
  orderStats: '/api/orders/stats',
  dashboard: '/api/dashboard',
  customerList: (f: CustomerFilter) =>
    `/api/customers${query({ q: f.search, page: f.page, pageSize: f.pageSize })}`,
};
