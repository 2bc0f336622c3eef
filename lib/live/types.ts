import type { OrderStatus, ShippingAddress } from '../db/schema';

/** One page of a list as the read API returns it (dates as ISO strings once they crossed the wire). */
export type ListPage<T> = { rows: T[]; total: number; page: number; pageSize: number; pages: number };

export type ProductRow = {
  id: string;
  sku: string;
  name: string;
  category: string;
  priceMinor: number;
  stock: number;
  reserved: number;
  lowStockThreshold: number;
  version: number;
  updatedAt: string;
};

export type ProductDetail = ProductRow & { description: string; createdAt: string };

/** The product page's cache entry: the product, or a tombstone once someone deleted it. */
export type ProductEntry =
  | { state: 'present'; product: ProductDetail }
  | { state: 'deleted'; id: string; name: string; by: { id: string; name: string } | null };

export type OrderRow = {
  id: string;
  number: string;
  status: OrderStatus;
  customerId: string;
  customerName: string;
  customerCompany: string;
  itemCount: number;
  totalMinor: number;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type CustomerRow = {
  id: string;
  name: string;
  company: string;
  email: string;
  phone: string;
  address: ShippingAddress;
  version: number;
};

export type ProductFilter = {
  search: string;
  category?: string;
  lowStock: boolean;
  page: number;
  pageSize: number;
};
export type OrderFilter = { status?: OrderStatus; search: string; page: number; pageSize: number };
export type CustomerFilter = { search: string; page: number; pageSize: number };

export type StatusCounts = Record<OrderStatus, number>;

export type Actor = { id: string; name: string };

/** A domain event as the bridge needs it (the frame's `event`, `data` and `actor`). */
export type LiveEvent = { event: string; data: unknown; actor?: Actor };

/** What applying one event to one cached value decided. */
export type Applied<T> = { value: T; refetch: boolean };
