import { describe, expect, it } from 'vitest';
import { resources } from '../i18n/resources';
import { errorCodeList } from '../realtime/protocol/codes';
import { type CatalogErrorBody, catalogErrorMessage } from './error-message';

function lookup(locale: 'en' | 'th', qualified: string): unknown {
  const [namespace, path] = qualified.split(':') as [string, string];
  let node: unknown = (resources[locale] as Record<string, unknown>)[namespace];
  for (const part of path.split('.')) node = (node as Record<string, unknown> | undefined)?.[part];
  return node;
}

const cases: [CatalogErrorBody, string, Record<string, unknown>?][] = [
  [{ code: 'CONFLICT', message: '', details: { reason: 'duplicate_sku' } }, 'catalog:errors.duplicateSku'],
  [
    {
      code: 'CONFLICT',
      message: '',
      details: { reason: 'insufficient_stock', items: [{ sku: 'A-1', requested: 5, available: 2 }] },
    },
    'catalog:errors.insufficientStock',
    { sku: 'A-1', requested: 5, available: 2 },
  ],
  [
    { code: 'CONFLICT', message: '', details: { reason: 'insufficient_stock', items: [] } },
    'catalog:errors.insufficientStockGeneric',
  ],
  [
    {
      code: 'CONFLICT',
      message: '',
      details: { reason: 'invalid_transition', from: 'draft', to: 'shipped' },
    },
    'catalog:errors.invalidTransition',
    { from: 'draft', to: 'shipped' },
  ],
  [{ code: 'VALIDATION', message: '', details: { reason: 'in_use' } }, 'catalog:errors.inUse'],
  [
    { code: 'VALIDATION', message: '', details: { reason: 'price_negative' } },
    'catalog:errors.priceNegative',
  ],
  [{ code: 'STALE_VERSION', message: '' }, 'catalog:errors.staleVersion'],
  [{ code: 'FORBIDDEN', message: '' }, 'catalog:errors.forbidden'],
  [
    { code: 'PAYLOAD_TOO_LARGE', message: '', details: { max: 500 } },
    'catalog:errors.tooManyProducts',
    { max: 500 },
  ],
  [{ code: 'NOT_FOUND', message: '' }, 'realtime:errors.notFound'],
];

describe('catalog error messages', () => {
  it.each(cases)('%j -> %s', (error, key, values) => {
    const message = catalogErrorMessage(error);
    expect(message.key).toBe(key);
    if (values) expect(message.values).toEqual(values);
    expect(typeof lookup('en', message.key)).toBe('string');
    expect(typeof lookup('th', message.key)).toBe('string');
  });

  it('has a text for every code of the shared catalog', () => {
    for (const code of errorCodeList) {
      const { key } = catalogErrorMessage({ code, message: '' });
      expect(typeof lookup('en', key), key).toBe('string');
      expect(typeof lookup('th', key), key).toBe('string');
    }
  });
});
