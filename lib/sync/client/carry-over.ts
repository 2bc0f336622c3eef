import { type TextOp, type as textType } from 'ot-text-unicode';
import { applyChangeToDoc } from '../doc';
import { commonAffix, diffToTextOp } from '../strategies/operational-transform';
import type { OrderDoc, SyncLine } from '../types';
import type { LocalChange } from './local-changes';

/**
 * Keeping a person's unconfirmed edits when the replica under them is replaced (a reopen, a policy switch, a
 * repaired divergence). The edits are taken as an intent — what changed from the `basis` the person edited on to
 * the `intended` document they see — and carried onto the `current` document, so edits made by others in the
 * meantime stay too. Pure; the manager expresses the result in whatever op the policy wants now.
 */

/**
 * The notes the person meant, on top of the current notes: their diff transformed over everyone else's. Both
 * diffs keep every separate place that changed apart (several hunks), so edits made far apart by the person and
 * by others (offline typing replayed after a reload) interleave instead of one region replacing the other and
 * repeating its text.
 */
export function carryNotes(basis: string, intended: string, current: string): string {
  if (intended === basis) return current;
  if (current === basis) return intended;
  const mine = hunkedTextOp(basis, intended);
  const theirs = hunkedTextOp(basis, current);
  return textType.apply(current, textType.transform(mine, theirs, 'left'));
}

/**
 * A code-point diff in several hunks (Myers' O(ND) shortest edit script between the common prefix and suffix),
 * as a text op. Past `maxEdits` differing code points it falls back to one replaced region.
 */
export function hunkedTextOp(from: string, to: string, maxEdits = 500): TextOp {
  const a = Array.from(from);
  const b = Array.from(to);
  const { prefix, suffix } = commonAffix(a, b);
  const script = editScript(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix), maxEdits);
  if (!script) return diffToTextOp(from, to);
  const op: TextOp = prefix ? [prefix] : [];
  let y = prefix;
  for (const step of script) {
    if (step === '=') {
      op.push(1);
      y++;
    } else if (step === '-') op.push({ d: 1 });
    else op.push(b[y++]!);
  }
  return textType.normalize(op);
}

/** Myers' shortest edit script: '=' keep, '-' delete from a, '+' insert from b; null past `max` edits. */
function editScript(a: string[], b: string[], max: number): ('=' | '-' | '+')[] | null {
  const n = a.length;
  const m = b.length;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x =
        k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!)
          ? v[offset + k + 1]!
          : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, offset, n, m);
    }
  }
  return null;
}

function backtrack(trace: Int32Array[], offset: number, n: number, m: number): ('=' | '-' | '+')[] {
  const steps: ('=' | '-' | '+')[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const previousK = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? k + 1 : k - 1;
    const previousX = v[offset + previousK]!;
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      steps.push('=');
      x--;
      y--;
    }
    if (d > 0) steps.push(x === previousX ? '+' : '-');
    x = previousX;
    y = previousY;
  }
  return steps.reverse();
}

export type LineEdit =
  | { kind: 'add'; line: SyncLine }
  | { kind: 'remove'; lineId: string }
  | { kind: 'quantity'; lineId: string; quantity: number };

/**
 * The line edits that carry the person's intent onto the current lines: lines they added that are not there yet,
 * lines they removed that are still there, quantities they changed on lines that still exist.
 */
export function carryLines(
  basis: readonly SyncLine[],
  intended: readonly SyncLine[],
  current: readonly SyncLine[],
) {
  const before = new Map(basis.map((line) => [line.id, line]));
  const now = new Map(current.map((line) => [line.id, line]));
  const wanted = new Set(intended.map((line) => line.id));
  const edits: LineEdit[] = [];
  for (const line of basis)
    if (!wanted.has(line.id) && now.has(line.id)) edits.push({ kind: 'remove', lineId: line.id });
  for (const line of intended) {
    const was = before.get(line.id);
    const is = now.get(line.id);
    if (!was && !is) edits.push({ kind: 'add', line });
    else if (was && is && was.quantity !== line.quantity && is.quantity !== line.quantity)
      edits.push({ kind: 'quantity', lineId: line.id, quantity: line.quantity });
  }
  return edits;
}

/**
 * The document the person's pending edits were made on, once the server has taken some of them: the confirmed
 * document with the taken ones applied in order (text ops are sequential, so the walk stops at the first one
 * that was not taken; later text ops were made on top of it and are part of the intent).
 */
export function basisWithTaken(
  confirmed: OrderDoc,
  pending: readonly LocalChange[],
  taken: ReadonlySet<string>,
): OrderDoc {
  let doc = confirmed;
  let textGap = false;
  for (const change of pending) {
    if (!taken.has(change.clientChangeId)) {
      if (change.op.type === 'text') textGap = true;
      continue;
    }
    if (change.op.type === 'yjs' || (change.op.type === 'text' && textGap)) continue;
    try {
      doc = applyChangeToDoc(doc, change.field, change.op);
    } catch {
      // A text op that no longer fits: the intent diff covers it.
    }
  }
  return doc;
}

/**
 * The basis of the notes' intent: a pending whole-value edit of the notes was made on the notes the person saw
 * then (`madeFrom`), and the confirmed notes may have moved on under it (a colleague's change hidden by the
 * person's own pending value). The first pending notes edit the server did not take decides.
 */
export function withNotesMadeFrom(
  basis: OrderDoc,
  pending: readonly LocalChange[],
  taken: ReadonlySet<string> = new Set(),
): OrderDoc {
  const first = pending.find((c) => c.field === 'notes' && !taken.has(c.clientChangeId));
  if (first?.op.type !== 'set' || typeof first.madeFrom !== 'string') return basis;
  return { ...basis, notes: first.madeFrom };
}
