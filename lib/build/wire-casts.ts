import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Casts of wire data: a payload, RPC result or answer typed by assertion instead of parsed at the edge
 * (lib/wire/edge.ts). The scan reads every source of `components/` and `lib/` (tests and test doubles left out) and
 * reports each line that casts what came off the wire; `wire-casts.test.ts` keeps the count at zero.
 */
export const SCANNED_ROOTS = ['components', 'lib'];

export const WIRE_CAST_PATTERNS: { name: string; pattern: RegExp }[] = [
  { name: 'double cast (as unknown as)', pattern: /\bas\s+unknown\s+as\b/ },
  {
    name: 'payload property cast (event.data as, reply.result as, details as)',
    pattern: /\.(data|result|payload|details|items)\b(\s*\?\?\s*[^)\n]*)?\)?\s+as\s+(?!const\b|unknown\b)/,
  },
  {
    name: 'payload variable cast (data as X)',
    pattern: /\b(data|payload|raw|json|body|frame|result|answer|reply)\s+as\s+(?!const\b|unknown\b)/,
  },
  {
    name: 'answer cast ((await res.json()) as X)',
    pattern: /\.json\(\)[^;\n]*\)\s*as\s+(?!const\b|unknown\b)/,
  },
  {
    name: 'parsed text cast (JSON.parse(...) as X)',
    pattern: /JSON\.parse\([^;\n]*\)\s*as\s+(?!const\b|unknown\b)/,
  },
  { name: 'RPC result typed by a type argument (rpc<T>)', pattern: /\.rpc<(?!T\b)/ },
  { name: 'fetch answer typed by a type argument (fetchJson<T>)', pattern: /\bfetchJson<(?!S\b)/ },
];

export type WireCast = { file: string; line: number; text: string; rule: string };

const SOURCE = /\.(ts|tsx)$/;
const TEST = /\.(test|spec)\.tsx?$|(^|\/)(test-support|testing)(\.ts|\/)/;
/** This scanner's own patterns would match themselves. */
const SELF = 'lib/build/wire-casts.ts';

function walk(root: string, dir: string, out: string[]): void {
  const full = path.join(root, dir);
  if (!existsSync(full)) return;
  for (const name of readdirSync(full)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const relative = `${dir}/${name}`;
    if (statSync(path.join(root, relative)).isDirectory()) walk(root, relative, out);
    else if (SOURCE.test(name) && !TEST.test(relative) && !name.endsWith('.d.ts') && relative !== SELF)
      out.push(relative);
  }
}

/** The casts of wire data in one source text (comments left out). */
export function wireCastsIn(file: string, source: string): WireCast[] {
  const found: WireCast[] = [];
  const lines = source.split('\n');
  let inBlock = false;
  lines.forEach((raw, index) => {
    let text = raw;
    if (inBlock) {
      const end = text.indexOf('*/');
      if (end < 0) return;
      text = text.slice(end + 2);
      inBlock = false;
    }
    text = text.replace(/\/\*.*?\*\//g, '');
    const open = text.indexOf('/*');
    if (open >= 0) {
      text = text.slice(0, open);
      inBlock = true;
    }
    text = text.replace(/(^|[^:])\/\/.*$/, '$1');
    const rule = WIRE_CAST_PATTERNS.find(({ pattern }) => pattern.test(text));
    if (rule) found.push({ file, line: index + 1, text: raw.trim(), rule: rule.name });
  });
  return found;
}

/** Every cast of wire data under the scanned roots. */
export function wireCasts(root: string): WireCast[] {
  const files: string[] = [];
  for (const dir of SCANNED_ROOTS) walk(root, dir, files);
  return files.flatMap((file) => wireCastsIn(file, readFileSync(path.join(root, file), 'utf8')));
}
