import { customerChangedEvent } from '../catalog/contract';
import { parseWire } from '../wire/edge';
import { customerMatches } from './filters';
import type { Applied, CustomerFilter, CustomerRow, ListPage, LiveEvent } from './types';

/** Applies a `customers` event to one cached page of the customer list. */
export function applyToCustomerList(
  page: ListPage<CustomerRow>,
  filter: CustomerFilter,
  event: LiveEvent,
): Applied<ListPage<CustomerRow>> {
  if (event.event !== 'customer.created' && event.event !== 'customer.updated')
    return { value: page, refetch: event.event.startsWith('customer.') };
  const data = parseWire('catalog.customer', customerChangedEvent, event.data);
  if (!data) return { value: page, refetch: true };
  if (event.event === 'customer.created')
    return { value: page, refetch: customerMatches(filter, data.customer) };
  const index = page.rows.findIndex((row) => row.id === data.id);
  const incoming = pick(data.customer);
  if (index < 0) return { value: page, refetch: customerMatches(filter, incoming) };
  const row = page.rows[index]!;
  if (data.version <= row.version) return { value: page, refetch: false };
  if (!customerMatches(filter, incoming)) {
    const rows = page.rows.filter((r) => r.id !== row.id);
    return { value: { ...page, rows, total: Math.max(0, page.total - 1) }, refetch: page.pages > page.page };
  }
  const rows = page.rows.slice();
  rows[index] = incoming;
  return { value: { ...page, rows }, refetch: false };
}

function pick(customer: CustomerRow): CustomerRow {
  const { id, name, company, email, phone, address, version } = customer;
  return { id, name, company, email, phone, address, version };
}
