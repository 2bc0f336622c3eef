import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientBoundaryViolations, runtimeImports } from './client-boundary';

describe('the client boundary (components, hooks and client modules never reach lib/db or server code)', () => {
  it('holds for this repository', () => {
    const found = clientBoundaryViolations(process.cwd()).map((v) => `${v.chain.join(' → ')}: ${v.reason}`);
    expect(found).toEqual([]);
  });

  const root = mkdtempSync(path.join(os.tmpdir(), 'osl-boundary-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };

  it('finds a client module that reaches lib/db through a helper, and names the chain', () => {
    write(
      'lib/db/schema/things.ts',
      "import { pgTable } from 'drizzle-orm/pg-core';\nexport const LIMIT = 5;\n",
    );
    write('lib/util/limit.ts', "export { LIMIT } from '../db/schema/things';\n");
    write(
      'components/x/form.tsx',
      "'use client';\nimport { LIMIT } from '@/lib/util/limit';\nexport const a = LIMIT;\n",
    );
    // Erased at compile time, a server action reference, and a server component: none of them count.
    write(
      'components/x/typed.tsx',
      "import type { Thing } from '@/lib/db/schema/things';\nexport type T = Thing;\n",
    );
    write(
      'lib/actions.ts',
      "'use server';\nimport { LIMIT } from './db/schema/things';\nexport async function go() { return LIMIT; }\n",
    );
    write(
      'components/x/button.tsx',
      "'use client';\nimport { go } from '@/lib/actions';\nexport const b = go;\n",
    );
    write('lib/i18n/server.ts', "import 'server-only';\nexport const getT = () => null;\n");
    write(
      'components/x/badge.tsx',
      "import { getT } from '@/lib/i18n/server';\nimport { LIMIT } from '@/lib/db/schema/things';\nexport const c = [getT, LIMIT];\n",
    );
    // A hook importing a node builtin is caught too.
    write(
      'lib/hooks/use-file.ts',
      "import { readFileSync } from 'node:fs';\nexport const d = readFileSync;\n",
    );
    const found = clientBoundaryViolations(root).map((v) => ({ chain: v.chain, reason: v.reason }));
    expect(found).toEqual(
      expect.arrayContaining([
        {
          chain: ['components/x/form.tsx', 'lib/util/limit.ts', 'lib/db/schema/things.ts'],
          reason: 'lib/db/schema/things.ts is server code',
        },
        { chain: ['lib/hooks/use-file.ts'], reason: 'lib/hooks/use-file.ts imports node:fs' },
      ]),
    );
    expect(found).toHaveLength(2);
  });

  it('reads run-time imports, leaving type-only ones out', () => {
    expect(
      runtimeImports(
        [
          "import type { A } from './a';",
          "import { type B, type C } from './bc';",
          "import { type D, e } from './de';",
          "import './side-effect';",
          "export { f } from './f';",
          "export type { G } from './g';",
          "const h = await import('./h');",
          '// import { x } from "./commented";',
        ].join('\n'),
      ),
    ).toEqual(['./de', './f', './side-effect', './h']);
  });

  // The browser bundle of the last build (npm test and npm start build first): no drizzle entity in any chunk.
  const chunks = path.join(process.cwd(), '.next/static/chunks');
  it.runIf(existsSync(chunks))('leaves drizzle out of the browser bundle', () => {
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.js')) files.push(full);
      }
    };
    walk(chunks);
    expect(files.length).toBeGreaterThan(0);
    const withDrizzle = files.filter((file) =>
      /drizzle:entityKind|drizzle-orm/.test(readFileSync(file, 'utf8')),
    );
    expect(withDrizzle.map((file) => path.relative(process.cwd(), file))).toEqual([]);
  });
});
