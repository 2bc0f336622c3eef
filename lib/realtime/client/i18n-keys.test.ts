import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeCodes, errorCodes } from '../protocol/codes';
import { clientErrorCodes } from './errors';

const root = path.resolve(import.meta.dirname, '../../../public/locales');
const load = (locale: string) =>
  JSON.parse(readFileSync(path.join(root, locale, 'realtime.json'), 'utf8')) as Record<string, unknown>;

function lookup(tree: Record<string, unknown>, key: string): unknown {
  return key
    .split('.')
    .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], tree);
}

const keys = [
  ...Object.values(errorCodes).map((e) => e.i18n),
  ...Object.values(closeCodes).map((e) => e.i18n),
  ...Object.values(clientErrorCodes).map((e) => e.i18n),
];

describe('realtime.json covers the error and close catalogs', () => {
  it.each(['en', 'th'])('%s has a text for every catalog entry', (locale) => {
    const tree = load(locale);
    const missing = keys.filter((key) => typeof lookup(tree, key) !== 'string');
    expect(missing).toEqual([]);
  });
});
