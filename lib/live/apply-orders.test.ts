import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../db/schema';
import { applyToOrderList, applyToStatusCounts } from './apply-orders';
import type { ListPage, OrderFilter, OrderRow, StatusCounts } from './types';

const row = (id: string, status: OrderStatus): OrderRow => ({
  id,
  number: `SO-${id}`,
  status,
  customerId: 'c',
  customerName: 'Somchai',
  customerCompany: '',
  itemCount: 1,
  totalMinor: 100,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
});
const page = (rows: OrderRow[]): ListPage<OrderRow> => ({
  rows,
  total: rows.length,
  page: 1,
  pageSize: 20,
  pages: 1,
});
const moved = (id: string, from: OrderStatus, to: OrderStatus) => ({
  event: 'order.status_changed',
  data: { id, number: `SO-${id}`, from, to, version: 2 },
});
const all: OrderFilter = { search: '', page: 1, pageSize: 20 };

describe('applyToOrderList', () => {
  it.each<[string, OrderStatus, OrderStatus, OrderStatus, OrderStatus | null, boolean]>([
    ['moves a row from its status', 'pending', 'pending', 'confirmed', 'confirmed', false],
    ['keeps a row already moved', 'confirmed', 'pending', 'confirmed', 'confirmed', false],
    ['refetches when the row is in neither status', 'draft', 'pending', 'confirmed', 'draft', true],
  ])('%s', (_name, current, from, to, expected, refetch) => {
    const result = applyToOrderList(page([row('1', current)]), all, moved('1', from, to));
    expect(result.value.rows[0]?.status).toBe(expected);
    expect(result.refetch).toBe(refetch);
  });

  it('removes a row that leaves the status filter and fetches one that joins it', () => {
    const pending: OrderFilter = { ...all, status: 'pending' };
    const result = applyToOrderList(
      page([row('1', 'pending'), row('2', 'pending')]),
      pending,
      moved('1', 'pending', 'confirmed'),
    );
    expect(result.value.rows.map((r) => r.id)).toEqual(['2']);
    expect(applyToOrderList(page([]), pending, moved('9', 'draft', 'pending')).refetch).toBe(true);
  });
});

describe('applyToStatusCounts', () => {
  const counts: StatusCounts = { draft: 1, pending: 2, confirmed: 0, shipped: 0, delivered: 0, cancelled: 0 };
  it('moves one order between counts', () => {
    expect(applyToStatusCounts(counts, moved('1', 'pending', 'confirmed')).value).toMatchObject({
      pending: 1,
      confirmed: 1,
    });
  });
  it('refetches when the counts cannot hold the move', () => {
    expect(applyToStatusCounts(counts, moved('1', 'shipped', 'delivered')).refetch).toBe(true);
  });
});
