import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * The client boundary: code that runs in the browser (every `'use client'` module, and everything under
 * `components/`, `lib/hooks/` and `lib/live/` that is not a server component) must not reach the database layer or server-only code, directly or
 * through anything it imports. Type-only imports are erased by the compiler and do not count; a `'use server'`
 * module (server actions) reaches the browser as a reference to call, so the walk stops there.
 */
export const CLIENT_ROOTS = ['components', 'lib/hooks', 'lib/live'];
/** Folders whose modules are server-only by design. */
export const SERVER_FOLDERS = ['lib/db/', 'lib/server/'];
/** Packages that must never be bundled for the browser. */
export const SERVER_PACKAGES = [
  'drizzle-orm',
  'drizzle-kit',
  'pg',
  '@electric-sql/pglite',
  'ioredis',
  'server-only',
];

export type Violation = { entry: string; chain: string[]; reason: string };

const SOURCE = /\.(ts|tsx)$/;
const IGNORED = new Set(['node_modules', '.next', 'dist', '.data', 'test-results', 'e2e', 'drizzle']);

function walk(root: string, dir: string, out: string[]): void {
  if (!existsSync(path.join(root, dir))) return;
  for (const name of readdirSync(path.join(root, dir))) {
    if (IGNORED.has(name) || name.startsWith('.')) continue;
    const relative = dir ? `${dir}/${name}` : name;
    if (statSync(path.join(root, relative)).isDirectory()) walk(root, relative, out);
    else if (SOURCE.test(name) && !/\.(test|spec)\.tsx?$/.test(name) && !name.endsWith('.d.ts'))
      out.push(relative);
  }
}

/** The module specifiers a file imports at run time (type-only imports and re-exports left out). */
export function runtimeImports(source: string): string[] {
  const found: string[] = [];
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const match of text.matchAll(/^\s*(import|export)\s+([\s\S]*?)\s+from\s+['"]([^'"]+)['"]/gm)) {
    const clause = match[2] ?? '';
    if (/^type\s/.test(clause)) continue;
    const braces = /^\{([\s\S]*)\}$/.exec(clause.trim());
    if (braces) {
      const names = (braces[1] ?? '')
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean);
      if (names.length > 0 && names.every((n) => n.startsWith('type '))) continue;
    }
    found.push(match[3] ?? '');
  }
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) found.push(match[1] ?? '');
  for (const match of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push(match[1] ?? '');
  return found;
}

function resolveLocal(root: string, from: string, specifier: string): string | null {
  const base = specifier.startsWith('@/')
    ? specifier.slice(2)
    : path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`])
    if (existsSync(path.join(root, candidate)) && statSync(path.join(root, candidate)).isFile())
      return candidate;
  return null;
}

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

function problemOf(file: string, source: string): string | null {
  if (SERVER_FOLDERS.some((folder) => file.startsWith(folder))) return `${file} is server code`;
  if (/^\s*import\s+['"]server-only['"]/m.test(source)) return `${file} is marked server-only`;
  return null;
}

/** Every path from a client module to server code or a server package, one per (entry, offending module). */
export function clientBoundaryViolations(root: string): Violation[] {
  const files: string[] = [];
  walk(root, '', files);
  const sources = new Map(files.map((file) => [file, readFileSync(path.join(root, file), 'utf8')]));
  const serverOnly = (file: string) => /^\s*import\s+['"]server-only['"]/m.test(sources.get(file) ?? '');
  // A module under components/ that is server-only itself, or imports a server-only module (getT of
  // lib/i18n/server, the session), is a server component: Next's build refuses it in a client bundle. Every other
  // module there (and in lib/hooks, lib/live) may end up in one, as does every 'use client' module.
  const isServerComponent = (file: string) =>
    serverOnly(file) ||
    runtimeImports(sources.get(file) ?? '').some((specifier) => {
      const target =
        specifier.startsWith('.') || specifier.startsWith('@/') ? resolveLocal(root, file, specifier) : null;
      return target !== null && serverOnly(target);
    });
  const isClientEntry = (file: string) => {
    if (/^\s*['"]use client['"]/.test(sources.get(file) ?? '')) return true;
    return CLIENT_ROOTS.some((dir) => file.startsWith(`${dir}/`)) && !isServerComponent(file);
  };
  const violations: Violation[] = [];
  for (const entry of files.filter(isClientEntry)) {
    const seen = new Set<string>([entry]);
    const queue: { file: string; chain: string[] }[] = [{ file: entry, chain: [entry] }];
    while (queue.length > 0) {
      const { file, chain } = queue.shift()!;
      const source = sources.get(file) ?? readFileSync(path.join(root, file), 'utf8');
      // A server action module reaches the browser as a reference to call, never as code.
      if (file !== entry && /^\s*['"]use server['"]/.test(source)) continue;
      const problem = problemOf(file, source);
      if (problem) {
        violations.push({ entry, chain, reason: problem });
        continue;
      }
      for (const specifier of runtimeImports(source)) {
        if (specifier.startsWith('.') || specifier.startsWith('@/')) {
          const next = resolveLocal(root, file, specifier);
          if (next && !seen.has(next)) {
            seen.add(next);
            queue.push({ file: next, chain: [...chain, next] });
          }
          continue;
        }
        const name = packageOf(specifier);
        if (SERVER_PACKAGES.includes(name) || specifier.startsWith('node:') || builtinModules.includes(name))
          violations.push({ entry, chain, reason: `${file} imports ${specifier}` });
      }
    }
  }
  return violations;
}
