import type { OrderStatus } from '../db/schema';
import { orderMatches } from './filters';
import type { Applied, ListPage, LiveEvent, OrderFilter, OrderRow, StatusCounts } from './types';

type StatusChange = { id: string; from: OrderStatus; to: OrderStatus; updatedAt?: string };

function statusChange(event: LiveEvent): StatusChange | null {
  if (event.event !== 'order.status_changed') return null;
  const data = (event.data ?? {}) as Record<string, unknown>;
  return {
    id: String(data.id),
    from: data.from as OrderStatus,
    to: data.to as OrderStatus,
    updatedAt: data.at as string,
  };
}

/**
 * Applies an `orders` event to one cached page. List rows carry no version, so the transition itself is the check:
 * a row in `from` moves to `to`; a row already in `to` has it; any other status means we missed something.
 */
export function applyToOrderList(
  page: ListPage<OrderRow>,
  filter: OrderFilter,
  event: LiveEvent,
): Applied<ListPage<OrderRow>> {
  const change = statusChange(event);
  if (!change) return { value: page, refetch: event.event.startsWith('order.') };
  const index = page.rows.findIndex((row) => row.id === change.id);
  if (index < 0) return { value: page, refetch: filter.status === change.to };
  const row = page.rows[index]!;
  if (row.status === change.to) return { value: page, refetch: false };
  if (row.status !== change.from) return { value: page, refetch: true };
  const next: OrderRow = { ...row, status: change.to, updatedAt: change.updatedAt ?? row.updatedAt };
  if (!orderMatches(filter, next)) {
    const rows = page.rows.filter((r) => r.id !== change.id);
    return { value: { ...page, rows, total: Math.max(0, page.total - 1) }, refetch: page.pages > page.page };
  }
  const rows = page.rows.slice();
  rows[index] = next;
  return { value: { ...page, rows }, refetch: false };
}

/** Moves one order from its old status's count to its new one. */
export function applyToStatusCounts(counts: StatusCounts, event: LiveEvent): Applied<StatusCounts> {
  const change = statusChange(event);
  if (!change) return { value: counts, refetch: event.event.startsWith('order.') };
  if (!(change.from in counts) || !(change.to in counts) || counts[change.from] <= 0)
    return { value: counts, refetch: true };
  return {
    value: { ...counts, [change.from]: counts[change.from] - 1, [change.to]: counts[change.to] + 1 },
    refetch: false,
  };
}
