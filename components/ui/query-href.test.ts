import { describe, expect, it } from 'vitest';
import { queryHref } from './query-href';

describe('queryHref', () => {
  it.each([
    ['/orders', {}, {}, '/orders'],
    ['/orders', { status: 'pending', q: '' }, {}, '/orders?status=pending'],
    ['/orders', { status: 'pending', page: 3 }, { page: 1 }, '/orders?status=pending'],
    ['/orders', { status: 'pending', page: 3 }, { status: undefined }, '/orders?page=3'],
    ['/products', { q: 'tea & milk' }, { page: 2 }, '/products?q=tea+%26+milk&page=2'],
    ['/products', { low: true }, {}, '/products?low=1'],
    ['/products', { low: true }, { low: false }, '/products'],
  ] as const)('%s %o + %o -> %s', (path, current, changes, expected) => {
    expect(queryHref(path, current, changes)).toBe(expected);
  });
});
