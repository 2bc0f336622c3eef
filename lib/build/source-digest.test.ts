import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildInputFiles, decideBuild, sourceDigest } from './source-digest';

describe('decideBuild', () => {
  const digest = 'a'.repeat(64);
  it.each([
    [
      { always: true, outputsExist: true, recordedDigest: digest },
      { build: true, reason: 'asked' },
    ],
    [
      { always: false, outputsExist: false, recordedDigest: digest },
      { build: true, reason: 'no-build' },
    ],
    [
      { always: false, outputsExist: false, recordedDigest: undefined },
      { build: true, reason: 'no-build' },
    ],
    [
      { always: false, outputsExist: true, recordedDigest: undefined },
      { build: true, reason: 'no-stamp' },
    ],
    [
      { always: false, outputsExist: true, recordedDigest: 'b'.repeat(64) },
      { build: true, reason: 'sources-changed' },
    ],
    [{ always: false, outputsExist: true, recordedDigest: digest }, { build: false }],
  ] as const)('%o -> %o', (state, expected) => {
    expect(decideBuild({ ...state, currentDigest: digest })).toEqual(expected);
  });
});

describe('sourceDigest', () => {
  let root: string;
  const write = (file: string, content: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'osl-digest-'));
    write('server.ts', 'start()');
    write('package-lock.json', '{}');
    write('app/page.tsx', 'page');
    write('lib/db/schema.ts', 'schema');
    write('public/locales/en/common.json', '{"a":"b"}');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lists the inputs in a stable order, without tests, notes or other folders', () => {
    write('lib/db/schema.test.ts', 'test');
    write('lib/db/README.md', 'notes');
    write('e2e/browser/a.spec.ts', 'browser test');
    write('node_modules/x/index.js', 'dependency');
    write('.next/BUILD_ID', 'build');
    expect(buildInputFiles(root)).toEqual([
      'app/page.tsx',
      'lib/db/schema.ts',
      'package-lock.json',
      'public/locales/en/common.json',
      'server.ts',
    ]);
  });

  it('is the same for the same sources, even when files are touched', () => {
    const before = sourceDigest(root, {});
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, 'app/page.tsx'), later, later);
    expect(sourceDigest(root, {})).toBe(before);
  });

  it.each([
    ['an edit', () => write('lib/db/schema.ts', 'schema v2')],
    ['a new file', () => write('components/button.tsx', 'button')],
    ['a deleted file', () => rmSync(path.join(root, 'app/page.tsx'))],
    ['a rename', () => renameSync(path.join(root, 'app/page.tsx'), path.join(root, 'app/other.tsx'))],
    ['a new lock file', () => write('package-lock.json', '{"lockfileVersion":3}')],
    ['a changed locale file', () => write('public/locales/en/common.json', '{"a":"c"}')],
  ])('changes with %s', (_, change) => {
    const before = sourceDigest(root, {});
    change();
    expect(sourceDigest(root, {})).not.toBe(before);
  });

  it('does not change when only a test or a note changes', () => {
    const before = sourceDigest(root, {});
    write('lib/db/schema.test.ts', 'a new test');
    write('lib/db/README.md', 'new notes');
    write('e2e/integration/x.test.ts', 'integration test');
    expect(sourceDigest(root, {})).toBe(before);
  });

  it('changes with a NEXT_PUBLIC_ variable (inlined into the client bundle), not with other variables', () => {
    const before = sourceDigest(root, { PORT: '3000' });
    expect(sourceDigest(root, { PORT: '4000' })).toBe(before);
    expect(sourceDigest(root, { NEXT_PUBLIC_FLAG: '1' })).not.toBe(before);
  });
});
