import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { IdKind } from './tenant-sweep-params';

/**
 * What the sweep attacks, found rather than listed: every route handler under app/api (with the methods it
 * exports), every server action (from the build's server-reference manifest and from the 'use server' files), and
 * the attack each gets. A route, method or action without an entry here fails the sweep by name.
 */
export type Route = { path: string; methods: string[] };

export function apiRoutes(root = path.resolve('app/api')): Route[] {
  const routes: Route[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/^route\.(ts|tsx|js)$/.test(entry.name)) {
        const source = readFileSync(full, 'utf8');
        const methods = [
          ...source.matchAll(
            /export\s+(?:async\s+)?(?:function\s+|const\s+)(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\b/g,
          ),
        ].map((m) => m[1]!);
        const relative = path.relative(path.resolve('app'), dir).split(path.sep).join('/');
        routes.push({ path: `/${relative}`, methods });
      }
    }
  };
  walk(root);
  return routes.sort((a, b) => a.path.localeCompare(b.path));
}

/** The id kind of a dynamic segment: `[id]` names the singular of the folder before it. */
export function segmentKind(routePath: string, segment: string): IdKind | 'connection' | null {
  const parts = routePath.split('/');
  const index = parts.indexOf(`[${segment}]`);
  if (segment === 'userId') return 'user';
  if (segment === 'messageId') return 'message';
  if (segment !== 'id') return null;
  const folder = parts[index - 1];
  const kinds: Record<string, IdKind | 'connection'> = {
    conversations: 'conversation',
    customers: 'customer',
    orders: 'order',
    products: 'product',
    connections: 'connection',
    users: 'user',
  };
  return folder ? (kinds[folder] ?? null) : null;
}

/** Server actions as the build knows them: id, file, export and a page that serves them. */
export type ActionRef = { id: string; file: string; name: string; page: string };

export function builtActions(appDir: string): ActionRef[] {
  const manifest = JSON.parse(
    readFileSync(path.join(appDir, '.next/server/server-reference-manifest.json'), 'utf8'),
  ) as { node: Record<string, { workers: Record<string, unknown>; filename: string; exportedName: string }> };
  return Object.entries(manifest.node).map(([id, entry]) => {
    const workers = Object.keys(entry.workers);
    // A page without dynamic segments serves the action; the route groups are not part of its URL.
    const worker = workers.find((w) => !w.includes('[')) ?? workers[0] ?? 'app/page';
    const page =
      worker
        .replace(/^app/, '')
        .replace(/\/page$/, '')
        .split('/')
        .filter((part) => !/^\(.*\)$/.test(part))
        .map((part) => (part.startsWith('[') ? 'x' : part))
        .join('/') || '/';
    return { id, file: entry.filename, name: entry.exportedName, page };
  });
}

/** Exported functions of every 'use server' module (so an action the build did not list is noticed too). */
export function sourceActions(roots = ['app', 'lib', 'components']): { file: string; name: string }[] {
  const found: { file: string; name: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(full);
      } else if (/\.(ts|tsx)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
        const source = readFileSync(full, 'utf8');
        if (!/^\s*['"]use server['"]/.test(source)) continue;
        for (const m of source.matchAll(/export\s+async\s+function\s+(\w+)/g))
          found.push({ file: path.relative(process.cwd(), full).split(path.sep).join('/'), name: m[1]! });
      }
    }
  };
  for (const root of roots) walk(path.resolve(root));
  return found;
}
