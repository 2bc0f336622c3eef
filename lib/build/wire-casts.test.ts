import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { wireCasts, wireCastsIn } from './wire-casts';

/**
 * Casts the scan matches that are not wire data, each with why it stays. Anything else it finds is a payload, RPC
 * result or answer typed by assertion: parse it at the edge instead (lib/wire/edge.ts, lib/live/README.md).
 */
const NOT_WIRE_DATA: { file: string; text: string; why: string }[] = [
  {
    file: 'lib/db/create-db.ts',
    text: 'drizzlePg(pool, { schema }) as unknown as Db',
    why: "drizzle's node-postgres and PGlite databases are one API with different result HKTs; Db is their common type",
  },
  {
    file: 'lib/db/create-db.ts',
    text: 'pgliteDb as unknown as Db',
    why: 'the same driver typing gap for PGlite',
  },
  {
    file: 'lib/sync/strategies/operational-transform.ts',
    text: 'textType as unknown as { invertWithDoc',
    why: "ot-text-unicode's published typings omit invertWithDoc, which its type object has",
  },
  {
    file: 'lib/realtime/client/websocket-client.ts',
    text: 'payload as ClientEvents[typeof type]',
    why: "the channel layer's events are a subset of the client's; TypeScript cannot correlate the generic key",
  },
];

const allowed = (cast: { file: string; text: string }) =>
  NOT_WIRE_DATA.some((entry) => entry.file === cast.file && cast.text.includes(entry.text));

describe('no casts of wire data in components/ and lib/', () => {
  it('finds none outside the commented allow-list', () => {
    const found = wireCasts(path.resolve(__dirname, '../..')).filter((cast) => !allowed(cast));
    expect(found.map((c) => `${c.file}:${c.line} [${c.rule}] ${c.text}`)).toEqual([]);
  });

  it('keeps the allow-list true: every entry still matches a cast', () => {
    const found = wireCasts(path.resolve(__dirname, '../..'));
    for (const entry of NOT_WIRE_DATA)
      expect(
        found.some((c) => c.file === entry.file && c.text.includes(entry.text)),
        `${entry.file}: ${entry.text}`,
      ).toBe(true);
  });

  it('flags every form of a wire cast in a sample', () => {
    const sample = [
      'const message = data as unknown as ChatMessage;',
      'const thread = event.data as ThreadView;',
      'const items = (event.data ?? {}) as { items: Item[] };',
      'const conflict = data as ConflictNotice;',
      'const body = (await response.json()) as { unread: number };',
      'const json = (await response.json().catch(() => null)) as Answer | null;',
      'const value = JSON.parse(text) as Member;',
      "const page = await client.rpc<Page>('activity.list', {});",
      'const rows = await fetchJson<ListPage<Row>>(url);',
      'const holder = (reply.error.details as { holder?: Lease })?.holder;',
      'setHistory(reply.result.items as HistoryEntry[]);',
      'const answer = result as { epoch?: unknown } | undefined;',
    ].join('\n');
    expect(wireCastsIn('sample.ts', sample).map((c) => c.line)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
    ]);
  });

  it('leaves parsing, const assertions, generic forwarding and comments alone', () => {
    const sample = [
      "const thread = parseWire('comments.thread', threadView, event.data);",
      "const kinds = ['a', 'b'] as const;",
      'const raw = JSON.parse(text) as unknown;',
      'rpc<T = unknown>(method: string, params: unknown): Promise<T> {',
      '// an old note: event.data as ThreadView was cast here',
      '/* data as unknown as ChatMessage */',
      'export async function fetchJson<S extends z.ZodType>(url: string, schema: S) {',
    ].join('\n');
    expect(wireCastsIn('sample.ts', sample)).toEqual([]);
  });
});
