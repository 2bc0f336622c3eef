import { describe, expect, it } from 'vitest';
import { digestOf } from './digest';
import type { OrderDoc } from './types';

const doc: OrderDoc = {
  status: 'draft',
  customerId: 'c1',
  shippingAddress: { line1: '1 Sukhumvit', line2: '', city: 'Bangkok', postalCode: '10110', country: 'TH' },
  notes: 'ส่งด่วน 👍🏽',
  lines: [
    { id: 'l1', productId: 'p1', quantity: 2 },
    { id: 'l2', productId: 'p2', quantity: 5 },
  ],
};

describe('digestOf', () => {
  it('is the same for equal documents, whatever the key order', () => {
    const reordered: OrderDoc = {
      lines: doc.lines.map((l) => ({ quantity: l.quantity, productId: l.productId, id: l.id })),
      notes: doc.notes,
      shippingAddress: { ...doc.shippingAddress },
      customerId: doc.customerId,
      status: doc.status,
    };
    expect(digestOf(reordered)).toBe(digestOf(doc));
  });

  it.each([
    ['a status', { status: 'pending' as const }],
    ['the customer', { customerId: 'c2' }],
    ['the city', { shippingAddress: { ...doc.shippingAddress, city: 'Chiang Mai' } }],
    ['one character of the notes', { notes: 'ส่งด่วน 👍🏾' }],
    ['a quantity', { lines: [doc.lines[0]!, { ...doc.lines[1]!, quantity: 6 }] }],
    ['the order of the lines', { lines: [doc.lines[1]!, doc.lines[0]!] }],
  ])('changes with %s', (_name, patch) => {
    expect(digestOf({ ...doc, ...patch })).not.toBe(digestOf(doc));
  });
});
