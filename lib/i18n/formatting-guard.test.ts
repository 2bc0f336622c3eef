import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every time, date and number a person sees goes through lib/i18n/format.ts (locale-aware, business time zone).
 * A component that formats one itself ("03:48 PM" in the browser's zone beside 22:48 elsewhere) fails here.
 */
const repo = path.resolve(import.meta.dirname, '../..');
const roots = ['app', 'components', 'lib'];
const allowed = new Set(['lib/i18n/format.ts']);

const forbidden: [RegExp, string][] = [
  [/\.toLocale(Time|Date)?String\(/, 'toLocale*String'],
  [/new Intl\.(DateTimeFormat|RelativeTimeFormat|NumberFormat)\(/, 'new Intl formatter'],
  [/\.get(UTC)?(Hours|Minutes|Seconds)\(\)/, 'hand-made clock time'],
  [/\.toTimeString\(|\.toDateString\(/, 'Date#to*String'],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

function offences(source: string): string[] {
  return source
    .split('\n')
    .flatMap((line, index) =>
      forbidden
        .filter(([pattern]) => pattern.test(line))
        .map(([, what]) => `${index + 1}: ${what}: ${line.trim()}`),
    );
}

describe('one formatter for times, dates and numbers', () => {
  it('finds the patterns it forbids (the guard can fail)', () => {
    expect(offences("const t = new Date(x).toLocaleTimeString([], { hour: '2-digit' });")).toHaveLength(1);
    expect(offences('const n = value.toLocaleString(lang);')).toHaveLength(1);
    expect(offences("new Intl.DateTimeFormat('en', {})")).toHaveLength(1);
    expect(offences('const label = d.getHours() + ":" + d.getMinutes();')).toHaveLength(1);
    expect(offences('format.time(message.createdAt)')).toHaveLength(0);
  });

  it('no component, page or module formats a time, date or number itself', () => {
    const found = roots
      .flatMap((root) => sourceFiles(path.join(repo, root)))
      .map((file) => path.relative(repo, file).split(path.sep).join('/'))
      .filter((file) => !allowed.has(file))
      .flatMap((file) => offences(readFileSync(path.join(repo, file), 'utf8')).map((o) => `${file}:${o}`));
    expect(found).toEqual([]);
  });
});
