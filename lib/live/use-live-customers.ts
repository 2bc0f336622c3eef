'use client';

import { useState } from 'react';
import { parseWire } from '../wire/edge';
import { customerEventSchema } from './order-contract';
import { useLiveChannel } from './use-live-channel';

export type PickerCustomer = {
  id: string;
  name: string;
  company: string | null;
  email: string;
  phone: string | null;
};

/**
 * A customer picker's options, kept true by `customers` events: a colleague's new customer appears, a renamed one
 * shows its new name (the newest version wins). Starts from the server's list.
 */
export function useLiveCustomers(initial: readonly PickerCustomer[]): PickerCustomer[] {
  const [state, setState] = useState(() => ({
    customers: [...initial],
    versions: new Map<string, number>(),
  }));
  useLiveChannel('customers', [], (event) => {
    if (event.event !== 'customer.created' && event.event !== 'customer.updated') return;
    const parsed = parseWire(`customers.${event.event.replace(/_/g, '-')}`, customerEventSchema, event.data);
    if (!parsed) return;
    const { id, version, customer } = parsed;
    setState((current) => {
      if ((current.versions.get(id) ?? 0) >= version) return current;
      const versions = new Map(current.versions).set(id, version);
      const option: PickerCustomer = customer;
      const index = current.customers.findIndex((c) => c.id === id);
      if (index < 0) return { customers: [...current.customers, option], versions };
      const customers = current.customers.slice();
      customers[index] = option;
      return { customers, versions };
    });
  });
  return state.customers;
}
