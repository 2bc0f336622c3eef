import { describe, expect, it } from 'vitest';
import { parseProductListParams } from '../products/list-params';
import { parseOrderListParams } from './list-params';

describe('parseOrderListParams', () => {
  it('reads valid values', () => {
    expect(parseOrderListParams({ status: 'pending', q: ' SO-24 ', page: '2' })).toEqual({
      page: 2,
      pageSize: 20,
      status: 'pending',
      search: 'SO-24',
    });
  });

  it.each([
    [{ status: 'bogus' }, { status: undefined }],
    [{ page: '-3' }, { page: 1 }],
    [{ page: 'abc' }, { page: 1 }],
    [{ pageSize: '5000' }, { pageSize: 20 }],
    [{ status: ['shipped', 'draft'] }, { status: 'shipped' }],
  ])('falls back for %o', (raw, expected) => {
    expect(parseOrderListParams(raw)).toMatchObject(expected);
  });

  it('reads URLSearchParams (route handlers)', () => {
    expect(parseOrderListParams(new URLSearchParams('pageSize=5&page=3'))).toMatchObject({
      page: 3,
      pageSize: 5,
    });
  });
});

describe('parseProductListParams', () => {
  it('reads category, search and the low-stock flag', () => {
    expect(parseProductListParams({ category: 'Snacks', q: 'chips', low: '1' })).toEqual({
      page: 1,
      pageSize: 25,
      category: 'Snacks',
      search: 'chips',
      lowStock: true,
    });
    expect(parseProductListParams({})).toMatchObject({ category: undefined, lowStock: false, search: '' });
    expect(parseProductListParams({ low: 'maybe' })).toMatchObject({ lowStock: false });
  });
});
