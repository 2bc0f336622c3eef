import { describe, expect, it } from 'vitest';
import { formatValue, inFormOrder } from './format-value';

const names = { customer: () => undefined, status: (s: string) => s };

describe('addresses in the form order', () => {
  // Key order as it can come back from JSON storage: alphabetical, not the form's.
  const stored = {
    city: 'Chiang Mai',
    country: 'TH',
    line1: '12 Nimman Rd',
    line2: 'Suthep',
    postalCode: '50200',
  };

  it('orders the parts as the form shows them', () => {
    expect(inFormOrder(stored).map(([key]) => key)).toEqual([
      'line1',
      'line2',
      'city',
      'postalCode',
      'country',
    ]);
  });

  it('writes one line in that order, skipping empty parts', () => {
    expect(formatValue('shippingAddress', stored, names)).toBe('12 Nimman Rd, Suthep, Chiang Mai, 50200, TH');
    expect(formatValue('shippingAddress', { ...stored, line2: '' }, names)).toBe(
      '12 Nimman Rd, Chiang Mai, 50200, TH',
    );
  });
});
