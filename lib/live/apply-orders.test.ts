import { describe, expect, it, vi } from 'vitest';
import type { OrderStatus } from '../db/schema';
import { WirePayloadError } from '../wire/edge';
import { applyCustomerToOrderList, applyToOrderList, applyToStatusCounts } from './apply-orders';
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
  version: 1,
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

const rowEvent = (event: 'order.created' | 'order.updated', order: OrderRow) => ({
  event,
  data: {
    actor: { id: 'u', name: 'Anna' },
    at: order.updatedAt,
    id: order.id,
    version: order.version,
    fields: [],
    order,
  },
});

describe('applyToOrderList with row events', () => {
  it('replaces a row with a newer version (items, total, customer) and ignores an older one', () => {
    const newer = { ...row('1', 'draft'), itemCount: 7, totalMinor: 900, customerName: 'Napa', version: 3 };
    const applied = applyToOrderList(page([row('1', 'draft')]), all, rowEvent('order.updated', newer));
    expect(applied).toEqual({ value: page([newer]), refetch: false });
    const older = applyToOrderList(page([newer]), all, rowEvent('order.updated', { ...newer, version: 2 }));
    expect(older.value.rows[0]).toBe(newer);
    expect(older.refetch).toBe(false);
  });

  it('refetches for a new order that belongs to the list and not for one that does not', () => {
    const created = { ...row('9', 'draft'), version: 1 };
    expect(applyToOrderList(page([]), all, rowEvent('order.created', created)).refetch).toBe(true);
    const pending: OrderFilter = { ...all, status: 'pending' };
    expect(applyToOrderList(page([]), pending, rowEvent('order.created', created)).refetch).toBe(false);
  });

  it('drops a row whose update leaves the filter', () => {
    const pending: OrderFilter = { ...all, status: 'pending' };
    const moved = { ...row('1', 'confirmed'), version: 2 };
    const result = applyToOrderList(page([row('1', 'pending')]), pending, rowEvent('order.updated', moved));
    expect(result.value.rows).toEqual([]);
    expect(result.value.total).toBe(0);
  });

  it('refetches on a malformed row event instead of trusting it (production: dropped and counted)', () => {
    const bad = { event: 'order.updated', data: { id: '1', order: { id: '1' } } };
    vi.stubEnv('NODE_ENV', 'production');
    try {
      expect(applyToOrderList(page([row('1', 'draft')]), all, bad).refetch).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('throws on a malformed row event in development and tests (strict)', () => {
    const bad = { event: 'order.updated', data: { id: '1', order: { id: '1' } } };
    vi.spyOn(console, 'error').mockImplementation(() => {});
    expect(() => applyToOrderList(page([row('1', 'draft')]), all, bad)).toThrow(WirePayloadError);
    vi.restoreAllMocks();
  });
});

describe('applyCustomerToOrderList', () => {
  const renamed = (name: string) => ({
    event: 'customer.updated',
    data: { id: 'c', version: 2, customer: { id: 'c', name, company: 'Acme', email: 'a@b.c', phone: '' } },
  });
  it("renames the customer's rows and leaves others alone", () => {
    const other = { ...row('2', 'draft'), customerId: 'd', customerName: 'Other' };
    const result = applyCustomerToOrderList(page([row('1', 'draft'), other]), all, renamed('Somchai Co'));
    expect(result.value.rows.map((r) => [r.customerName, r.customerCompany])).toEqual([
      ['Somchai Co', 'Acme'],
      ['Other', ''],
    ]);
    expect(result.refetch).toBe(false);
  });
  it('refetches a searched list (the new name may match other rows)', () => {
    expect(applyCustomerToOrderList(page([]), { ...all, search: 'som' }, renamed('X')).refetch).toBe(true);
  });
});

describe('applyToStatusCounts', () => {
  it('leaves the counts to status changes and refetches for a new order', () => {
    const counts: StatusCounts = {
      draft: 1,
      pending: 0,
      confirmed: 0,
      shipped: 0,
      delivered: 0,
      cancelled: 0,
    };
    expect(applyToStatusCounts(counts, rowEvent('order.updated', row('1', 'draft'))).refetch).toBe(false);
    expect(applyToStatusCounts(counts, rowEvent('order.created', row('1', 'draft'))).refetch).toBe(true);
  });

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
