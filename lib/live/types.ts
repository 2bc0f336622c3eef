import type { z } from 'zod';
import type { customerRowSchema, productDetailSchema, productRowSchema } from '../catalog/contract';
import type { OrderStatus } from '../db/schema';
import type { orderListRowSchema } from './order-contract';

/** One page of a list as the read API returns it (dates as ISO strings once they crossed the wire). */
export type ListPage<T> = { rows: T[]; total: number; page: number; pageSize: number; pages: number };

export type ProductRow = z.infer<typeof productRowSchema>;
export type ProductDetail = z.infer<typeof productDetailSchema>;

/** The product page's cache entry: the product, or a tombstone once someone deleted it. */
export type ProductEntry =
  | { state: 'present'; product: ProductDetail }
  | { state: 'deleted'; id: string; name: string; by: { id: string; name: string } | null };

export type OrderRow = z.infer<typeof orderListRowSchema>;

export type CustomerRow = z.infer<typeof customerRowSchema>;

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
