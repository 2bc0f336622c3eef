import { describe, expect, it } from 'vitest';
import { applyToCustomerList } from './apply-customers';
import type { CustomerFilter, CustomerRow, ListPage } from './types';

const customer = (id: string, patch: Partial<CustomerRow> = {}): CustomerRow => ({
  id,
  name: `Customer ${id}`,
  company: 'Siam Traders',
  email: `${id}@example.com`,
  phone: '',
  address: { line1: '1 Sukhumvit', line2: '', city: 'Bangkok', postalCode: '10110', country: 'TH' },
  version: 2,
  ...patch,
});
const page = (rows: CustomerRow[]): ListPage<CustomerRow> => ({
  rows,
  total: rows.length,
  page: 1,
  pageSize: 25,
  pages: 1,
});
const all: CustomerFilter = { search: '', page: 1, pageSize: 25 };
const updated = (c: CustomerRow) => ({
  event: 'customer.updated',
  data: { id: c.id, version: c.version, customer: c },
});

describe('applyToCustomerList', () => {
  it('replaces a row with a newer version and ignores an older one', () => {
    const before = page([customer('a')]);
    expect(
      applyToCustomerList(before, all, updated(customer('a', { name: 'New', version: 3 }))).value.rows[0]
        ?.name,
    ).toBe('New');
    expect(applyToCustomerList(before, all, updated(customer('a', { name: 'Old', version: 1 }))).value).toBe(
      before,
    );
  });

  it('removes a row that no longer matches the search and refetches for one that now does', () => {
    const search: CustomerFilter = { ...all, search: 'siam' };
    const renamed = customer('a', { company: 'Other', version: 3 });
    expect(applyToCustomerList(page([customer('a')]), search, updated(renamed)).value.rows).toEqual([]);
    expect(applyToCustomerList(page([]), search, updated(customer('z', { version: 5 }))).refetch).toBe(true);
  });
});
