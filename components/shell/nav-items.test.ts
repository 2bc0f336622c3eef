import { describe, expect, it } from 'vitest';
import { isActive, navItemsFor } from './nav-items';

describe('navItemsFor', () => {
  it('shows Admin to admins only', () => {
    expect(navItemsFor('admin').map((item) => item.href)).toContain('/admin');
    expect(navItemsFor('sales').map((item) => item.href)).not.toContain('/admin');
    expect(navItemsFor('viewer').map((item) => item.href)).toEqual([
      '/',
      '/orders',
      '/products',
      '/customers',
      '/messages',
    ]);
  });
});

describe('isActive', () => {
  it.each([
    ['/', '/', true],
    ['/', '/orders', false],
    ['/orders', '/orders', true],
    ['/orders', '/orders/123', true],
    ['/orders', '/orders-archive', false],
  ])('%s at %s -> %s', (href, pathname, expected) => {
    expect(isActive({ href }, pathname)).toBe(expected);
  });
});
