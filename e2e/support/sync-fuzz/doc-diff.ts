import { isDeepStrictEqual } from 'node:util';
import { commonAffix } from '../../../lib/sync/strategies/operational-transform';
import type { OrderDoc } from '../../../lib/sync/types';

const show = (value: unknown) => JSON.stringify(value) ?? 'undefined';

/** How two texts differ: the first and last differing code point, the lengths, and both sides around them. */
function textDiff(mine: string, theirs: string): string {
  const a = Array.from(mine);
  const b = Array.from(theirs);
  const { prefix, suffix } = commonAffix(a, b);
  const context = 12;
  const around = (chars: string[]) =>
    show(chars.slice(Math.max(0, prefix - context), chars.length - suffix + context).join(''));
  return (
    `differ at code point ${prefix} (lengths ${a.length} vs ${b.length} code points; ` +
    `${a.length - prefix - suffix} vs ${b.length - prefix - suffix} differing): ` +
    `replica ${around(a)} vs server ${around(b)}`
  );
}

/**
 * Which fields of a replica differ from the server's document, with both values (the notes as a text diff, the
 * lines line by line): one line per field, empty when they are equal.
 */
export function describeDocDiff(replica: OrderDoc | null, server: OrderDoc): string[] {
  if (!replica) return ['no document'];
  const out: string[] = [];
  for (const field of ['status', 'customerId', 'shippingAddress'] as const)
    if (!isDeepStrictEqual(replica[field], server[field]))
      out.push(`${field}: replica ${show(replica[field])} vs server ${show(server[field])}`);
  if (replica.notes !== server.notes) out.push(`notes ${textDiff(replica.notes, server.notes)}`);
  if (!isDeepStrictEqual(replica.lines, server.lines)) {
    const line = (l: OrderDoc['lines'][number]) => `${l.id.slice(0, 8)}×${l.quantity}`;
    const mine = new Map(replica.lines.map((l) => [l.id, l]));
    const theirs = new Map(server.lines.map((l) => [l.id, l]));
    const details = [
      ...replica.lines.filter((l) => !theirs.has(l.id)).map((l) => `only on the replica ${line(l)}`),
      ...server.lines.filter((l) => !mine.has(l.id)).map((l) => `only on the server ${line(l)}`),
      ...replica.lines
        .filter((l) => theirs.has(l.id) && !isDeepStrictEqual(l, theirs.get(l.id)))
        .map((l) => `${l.id.slice(0, 8)}: replica ${show(l)} vs server ${show(theirs.get(l.id))}`),
    ];
    out.push(
      `lines: replica [${replica.lines.map(line).join(', ')}] vs server [${server.lines.map(line).join(', ')}]` +
        `${details.length > 0 ? `; ${details.join('; ')}` : ' (same lines, another order)'}`,
    );
  }
  return out;
}
