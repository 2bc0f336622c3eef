import { type TextOp, type as textType } from 'ot-text-unicode';
import { diffAffix, diffToTextOp } from './strategies/operational-transform';

/**
 * Text diffs that keep every separate place that changed apart. A diff of two far-apart edits as one replaced
 * region re-inserts everything between them when it is transformed over other people's edits inside that region
 * (an undo of a crdt change that typed here and deleted there duplicated the colleagues' markers between, fuzz
 * crdt seed 13 on two nodes); hunks keep the rest of the text out of it. Used by the carry-over and by undo.
 */

/**
 * A code-point diff in several hunks (Myers' O(ND) shortest edit script between the common prefix and suffix),
 * as a text op. Past `maxEdits` differing code points it falls back to one replaced region. `options.caret` is
 * where the person's caret is in `to` after the edit (code points): the prefix and suffix are then the equally
 * small ones whose changed region ends there (`diffAffix`).
 */
export function hunkedTextOp(
  from: string,
  to: string,
  maxEdits = 500,
  options: { caret?: number } = {},
): TextOp {
  const a = Array.from(from);
  const b = Array.from(to);
  const { prefix, suffix } = diffAffix(a, b, options.caret);
  const script = editScript(a.slice(prefix, a.length - suffix), b.slice(prefix, b.length - suffix), maxEdits);
  if (!script) return diffToTextOp(from, to, options.caret);
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
