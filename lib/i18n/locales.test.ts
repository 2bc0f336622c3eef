import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createI18n } from './create-instance';
import { namespaces, resources } from './resources';

const root = path.resolve(import.meta.dirname, '../../public/locales');
const namespaceFiles = readdirSync(path.join(root, 'en'))
  .filter((file) => file.endsWith('.json'))
  .sort();

function load(locale: string, file: string): unknown {
  return JSON.parse(readFileSync(path.join(root, locale, file), 'utf8'));
}

/** Every leaf as [dotted path, value], so a nested key missing on one side shows up by name. */
function leaves(value: unknown, prefix = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [[prefix, value]];
  return Object.entries(value).flatMap(([key, child]) => leaves(child, prefix ? `${prefix}.${key}` : key));
}

const leafKeys = (value: unknown) => leaves(value).map(([key]) => key);
const leafValues = (value: unknown) => leaves(value).map(([, leaf]) => leaf);

const thaiScript = /[\u0E00-\u0E7F]/;

describe('locale files', () => {
  it('has namespace files', () => {
    expect(namespaceFiles).toContain('common.json');
  });

  it.each(namespaceFiles)('%s: Thai has exactly the English keys', (file) => {
    const en = leafKeys(load('en', file)).sort();
    const th = leafKeys(load('th', file)).sort();
    expect(th).toEqual(en);
  });

  it.each(namespaceFiles)('%s: every value is a non-empty string, and the Thai file is Thai', (file) => {
    for (const locale of ['en', 'th']) {
      for (const value of leafValues(load(locale, file))) {
        expect(typeof value === 'string' && value.trim().length > 0, `${locale}/${file}: ${value}`).toBe(
          true,
        );
      }
    }
    const thai = leafValues(load('th', file)) as string[];
    expect(thai.some((value) => thaiScript.test(value))).toBe(true);
  });

  it.each(namespaceFiles)('%s: the same {{placeholders}} in both languages', (file) => {
    const placeholders = (locale: string) =>
      Object.fromEntries(
        leaves(load(locale, file)).map(([key, value]) => [
          key,
          [...String(value).matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort(),
        ]),
      );
    expect(placeholders('th')).toEqual(placeholders('en'));
  });

  it('has no Thai file without an English twin', () => {
    const thaiFiles = readdirSync(path.join(root, 'th'))
      .filter((file) => file.endsWith('.json'))
      .sort();
    expect(thaiFiles).toEqual(namespaceFiles);
  });

  it('registers every namespace file in lib/i18n/resources.ts for both languages', () => {
    const files = namespaceFiles.map((file) => file.replace(/\.json$/, '')).sort();
    expect([...namespaces].sort()).toEqual(files);
    for (const namespace of files) {
      expect(resources.en[namespace as keyof typeof resources.en]).toEqual(load('en', `${namespace}.json`));
      expect(resources.th[namespace as keyof typeof resources.th]).toEqual(load('th', `${namespace}.json`));
    }
  });
});

describe('createI18n', () => {
  it('is ready synchronously in the requested language', () => {
    const th = createI18n('th');
    expect(th.isInitialized).toBe(true);
    expect(th.t('nav.orders')).toBe('คำสั่งซื้อ');
    expect(th.t('title', { ns: 'auth' })).toBe('เข้าสู่ระบบ');
    expect(createI18n('en').t('nav.orders')).toBe('Orders');
  });
});
