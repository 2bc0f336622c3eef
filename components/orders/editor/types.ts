import type { Address } from '@/lib/sync/types';

/** What the server page hands the live editor (the rest comes from the sync service). */
export type EditorCustomer = {
  id: string;
  name: string;
  company: string | null;
  email: string;
  phone: string | null;
};
export type EditorProduct = { id: string; name: string; sku: string; priceMinor: number };
export type EditorUser = { id: string; name: string; role: 'admin' | 'sales' | 'viewer' };

export type EditorProps = {
  orderId: string;
  number: string;
  user: EditorUser;
  customers: EditorCustomer[];
  products: EditorProduct[];
  /** Unit prices of the lines as stored (a line added live is priced from its product). */
  linePrices: Record<string, number>;
  /** The order as the server rendered it, shown until the sync service answers. */
  initial: {
    status: string;
    customerId: string;
    shippingAddress: Address;
    notes: string;
    lines: { id: string; productId: string; quantity: number }[];
    version: number;
  };
};

export const emptyAddress: Address = { line1: '', line2: '', city: '', postalCode: '', country: '' };

/** The translation key of a field name (line quantities share one). */
export function fieldKey(
  field: string,
): 'status' | 'customerId' | 'shippingAddress' | 'notes' | 'lines' | 'quantity' {
  if (field.startsWith('lines.')) return 'quantity';
  if (field === 'status' || field === 'customerId' || field === 'shippingAddress' || field === 'notes')
    return field;
  return 'lines';
}
