import { describe, expect, it } from 'vitest';
import { afterSignIn, safeNextPath, signInUrl } from './next-path';

describe('safeNextPath', () => {
  it.each([
    ['/orders', '/orders'],
    ['/orders/3f0c7a9e-1d2b-4c5d-8e9f-0a1b2c3d4e5f', '/orders/3f0c7a9e-1d2b-4c5d-8e9f-0a1b2c3d4e5f'],
    ['/orders?status=pending&page=2', '/orders?status=pending&page=2'],
    ['/products/42#lines', '/products/42#lines'],
    ['/', '/'],
    // Normalised by the URL parser, and still on this site.
    ['/a/../orders', '/orders'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
    [
      '/คำสั่งซื้อ',
      '/%E0%B8%84%E0%B8%B3%E0%B8%AA%E0%B8%B1%E0%B9%88%E0%B8%87%E0%B8%8B%E0%B8%B7%E0%B9%89%E0%B8%AD',
    ],
  ])('accepts %j as %j', (value, expected) => {
    expect(safeNextPath(value)).toBe(expected);
  });

  it.each([
    ['protocol-relative', '//evil.example'],
    ['protocol-relative with a path', '//evil.example/orders'],
    ['backslash host', '/\\evil.example'],
    ['two backslashes', '\\\\evil.example'],
    ['backslash later', '/orders\\..\\..\\evil'],
    ['absolute https', 'https://evil.example/orders'],
    ['absolute http to ourselves', 'http://127.0.0.1/orders'],
    ['javascript', 'javascript:alert(1)'],
    ['data', 'data:text/html,hi'],
    ['relative without a slash', 'orders'],
    ['tab hides a second slash', '/\t/evil.example'],
    ['newline hides a second slash', '/\n/evil.example'],
    ['dot segments up to a second slash', '/..//evil.example'],
    ['dot segment before a second slash', '/.//evil.example'],
    ['sign-in itself (loop)', '/sign-in'],
    ['sign-in with its own next', '/sign-in?next=/orders'],
    ['empty', ''],
    ['too long', `/${'a'.repeat(2001)}`],
    ['a number', 42],
    ['an array', ['/orders']],
    ['null', null],
    ['undefined', undefined],
  ])('refuses %s', (_name, value) => {
    expect(safeNextPath(value)).toBeNull();
  });
});

describe('afterSignIn', () => {
  it('goes to the page asked for, or to the dashboard', () => {
    expect(afterSignIn('/orders/7')).toBe('/orders/7');
    expect(afterSignIn('//evil.example')).toBe('/');
    expect(afterSignIn('https://evil.example')).toBe('/');
    expect(afterSignIn(null)).toBe('/');
  });
});

describe('signInUrl', () => {
  it('carries an acceptable page, encoded, and leaves out the dashboard and bad paths', () => {
    expect(signInUrl('/orders?status=pending')).toBe('/sign-in?next=%2Forders%3Fstatus%3Dpending');
    expect(signInUrl('/')).toBe('/sign-in');
    expect(signInUrl('//evil.example')).toBe('/sign-in');
    expect(signInUrl(null)).toBe('/sign-in');
    expect(signInUrl(undefined)).toBe('/sign-in');
  });
});
