import { orderStatusChangedEvent } from '../catalog/contract';
import type { OrderStatus } from '../db/schema';
import { parseWire } from '../wire/edge';
import { orderMatches } from './filters';
import { customerEventSchema, orderListEventSchema } from './order-contract';
import type { Applied, ListPage, LiveEvent, OrderFilter, OrderRow, StatusCounts } from './types';

type StatusChange = { id: string; from: OrderStatus; to: OrderStatus; version?: number; updatedAt?: string };

function statusChange(event: LiveEvent): StatusChange | null {
  if (event.event !== 'order.status_changed') return null;
  const data = parseWire('orders.statusChanged', orderStatusChangedEvent, event.data);
  if (!data) return null;
  return { id: data.id, from: data.from, to: data.to, version: data.version, updatedAt: data.at };
}

/** The row an `order.created` / `order.updated` event carries (the list's own shape), or null. */
export function orderOfEvent(event: LiveEvent): OrderRow | null {
  if (event.event !== 'order.created' && event.event !== 'order.updated') return null;
  return parseWire('orders.row', orderListEventSchema, event.data)?.order ?? null;
}

/** Removes a row that left the filter (refetching when a later page would fill its place). */
function withoutRow(page: ListPage<OrderRow>, id: string): Applied<ListPage<OrderRow>> {
  const rows = page.rows.filter((r) => r.id !== id);
  return { value: { ...page, rows, total: Math.max(0, page.total - 1) }, refetch: page.pages > page.page };
}

/**
 * Applies an `orders` event to one cached page. `order.created` / `order.updated` carry the whole row with its
 * version: a newer row replaces the cached one (or leaves the page when it no longer matches the filter); a new or
 * newly matching order refetches the page (its place depends on the sort). `order.status_changed` moves a row
 * from `from` to `to`; a row in any other status means we missed something.
 */
export function applyToOrderList(
  page: ListPage<OrderRow>,
  filter: OrderFilter,
  event: LiveEvent,
): Applied<ListPage<OrderRow>> {
  const incoming = orderOfEvent(event);
  if (incoming) {
    const index = page.rows.findIndex((row) => row.id === incoming.id);
    if (index < 0) return { value: page, refetch: orderMatches(filter, incoming) };
    const row = page.rows[index]!;
    if (incoming.version <= row.version) return { value: page, refetch: false };
    if (!orderMatches(filter, incoming)) return withoutRow(page, incoming.id);
    const rows = page.rows.slice();
    rows[index] = incoming;
    return { value: { ...page, rows }, refetch: false };
  }
  const change = statusChange(event);
  if (!change) return { value: page, refetch: event.event.startsWith('order.') };
  const index = page.rows.findIndex((row) => row.id === change.id);
  if (index < 0) return { value: page, refetch: filter.status === change.to };
  const row = page.rows[index]!;
  if (row.status === change.to) return { value: page, refetch: false };
  if (row.status !== change.from) return { value: page, refetch: true };
  const next: OrderRow = {
    ...row,
    status: change.to,
    version: Math.max(row.version, change.version ?? row.version),
    updatedAt: change.updatedAt ?? row.updatedAt,
  };
  if (!orderMatches(filter, next)) return withoutRow(page, change.id);
  const rows = page.rows.slice();
  rows[index] = next;
  return { value: { ...page, rows }, refetch: false };
}

/**
 * A `customers` event on an order list: a renamed customer's rows take the new name and company (a search by
 * name may now leave them out or take others in: refetched).
 */
export function applyCustomerToOrderList(
  page: ListPage<OrderRow>,
  filter: OrderFilter,
  event: LiveEvent,
): Applied<ListPage<OrderRow>> {
  if (event.event !== 'customer.updated') return { value: page, refetch: false };
  const data = parseWire('orders.customer', customerEventSchema, event.data);
  if (!data) return { value: page, refetch: true };
  const { name, company } = data.customer;
  const searching = filter.search.trim() !== '';
  let changed = false;
  const rows = page.rows.map((row) => {
    if (row.customerId !== data.id || (row.customerName === name && row.customerCompany === company))
      return row;
    changed = true;
    return { ...row, customerName: name, customerCompany: company };
  });
  return { value: changed ? { ...page, rows } : page, refetch: searching };
}

/** Moves one order from its old status's count to its new one; a new order is counted by a refetch. */
export function applyToStatusCounts(counts: StatusCounts, event: LiveEvent): Applied<StatusCounts> {
  if (event.event === 'order.updated') return { value: counts, refetch: false };
  const change = statusChange(event);
  if (!change) return { value: counts, refetch: event.event.startsWith('order.') };
  if (!(change.from in counts) || !(change.to in counts) || counts[change.from] <= 0)
    return { value: counts, refetch: true };
  return {
    value: { ...counts, [change.from]: counts[change.from] - 1, [change.to]: counts[change.to] + 1 },
    refetch: false,
  };
}
