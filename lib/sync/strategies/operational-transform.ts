import { type TextOp, type as textType } from 'ot-text-unicode';
import { textOpFits } from '../doc';
import { reject, type Strategy } from './strategy';

/**
 * Plain-text operations (ot-text-unicode). The server transforms an op based on version v against the field's
 * ops applied since v; the incoming op is always the left side, so clients rebasing pending ops with the same
 * rule (`rebasePending`) end up with the server's document.
 */
export const operationalTransform: Strategy = {
  name: 'operational-transform',
  decide(input) {
    const { op } = input.change;
    if (op.type !== 'text') return reject('VALIDATION', 'operational-transform takes text ops');
    let transformed: TextOp;
    try {
      textType.checkOp(op.op);
      transformed = transformAgainst(op.op, input.opsSince);
    } catch {
      return reject('VALIDATION', 'text op is not valid');
    }
    if (typeof input.current !== 'string' || !textOpFits(input.current, transformed)) {
      return reject('STALE_VERSION', 'text op does not fit the document');
    }
    const normalized = textType.normalize(transformed);
    return input.opsSince.length === 0
      ? { kind: 'commit', op: { type: 'text', op: normalized }, overwrote: null }
      : { kind: 'rebase', op: { type: 'text', op: normalized } };
  },
};

export function transformAgainst(op: TextOp, applied: readonly TextOp[]): TextOp {
  let out = op;
  for (const other of applied) out = textType.transform(out, other, 'left');
  return out;
}

/**
 * Client side: a remote op arrives while `pending` (oldest first, based on the same version) waits. Returns the
 * pending ops rebased on the remote op and the remote op transformed to apply on top of the local document.
 */
export function rebasePending(
  pending: readonly TextOp[],
  remote: TextOp,
): { pending: TextOp[]; remote: TextOp } {
  let incoming = remote;
  const rebased: TextOp[] = [];
  for (const mine of pending) {
    rebased.push(textType.transform(mine, incoming, 'left'));
    incoming = textType.transform(incoming, mine, 'right');
  }
  return { pending: rebased, remote: incoming };
}

/**
 * Where its author's caret is right after a text op (code points): just past the last insert, or where the last
 * delete was; null for an op that only retains. The editor moves a remote caret with its author's own typing by
 * it (their caret report may be late or lost), and the manager uses it as the caret of a value it re-expresses.
 */
export function caretAfterOp(op: readonly (number | string | { d: number | string })[]): number | null {
  let at = 0;
  let caret: number | null = null;
  for (const component of op) {
    if (typeof component === 'number') at += component;
    else if (typeof component === 'string') {
      at += Array.from(component).length;
      caret = at;
    } else caret = at;
  }
  return caret;
}

/** Moves a remote caret through an op. */
export function transformCaret(caret: number, op: TextOp): number {
  return textType.transformPosition(caret, op);
}

/** Moves a range (a selection or a comment's anchor) through an op; a range whose text is deleted collapses. */
export function transformRange(
  range: { start: number; end: number },
  op: TextOp,
): { start: number; end: number } {
  const start = textType.transformPosition(range.start, op);
  const end = Math.max(start, textType.transformPosition(range.end, op));
  return { start, end };
}

export function invertTextOp(op: TextOp, before: string): TextOp {
  // The published typings omit invertWithDoc, which the type object has (makeInvertible + invert).
  const withInvert = textType as unknown as { invertWithDoc(op: TextOp, doc: string): TextOp };
  return withInvert.invertWithDoc(op, before);
}

export function composeTextOps(a: TextOp, b: TextOp): TextOp {
  return textType.compose(a, b);
}

/** How many code points two texts share at the start and, after that, at the end. */
export function commonAffix(a: readonly string[], b: readonly string[]): { prefix: number; suffix: number } {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  )
    suffix++;
  return { prefix, suffix };
}

/**
 * The split of a diff into kept prefix, changed region and kept suffix whose changed region ends at `caret` (a
 * code-point offset in `b`, where the person's caret is after the edit), or null when no split of the smallest
 * size does. Typing text that repeats its neighbour has several equally small splits ("{c0.1}" typed right before
 * "{c0.0}" also reads as "1}{c0." typed after "{c0."): only the caret says which one the person made, and only
 * that one keeps the typed text together when it meets a colleague's concurrent edit or an undo at that boundary.
 */
export function affixAtCaret(
  a: readonly string[],
  b: readonly string[],
  caret: number,
): { prefix: number; suffix: number } | null {
  if (!Number.isInteger(caret) || caret < 0 || caret > b.length) return null;
  const shortest = Math.min(a.length, b.length);
  const suffix = b.length - caret;
  if (suffix > shortest) return null;
  for (let i = 1; i <= suffix; i++) if (a[a.length - i] !== b[b.length - i]) return null;
  let prefix = 0;
  while (prefix < shortest - suffix && a[prefix] === b[prefix]) prefix++;
  const best = commonAffix(a, b);
  return prefix + suffix === best.prefix + best.suffix ? { prefix, suffix } : null;
}

/**
 * The common prefix and suffix of a diff: the split whose changed region ends at `caret` when one of the smallest
 * does (`affixAtCaret`), otherwise the longest prefix first.
 */
export function diffAffix(
  a: readonly string[],
  b: readonly string[],
  caret?: number,
): { prefix: number; suffix: number } {
  return (caret === undefined ? null : affixAtCaret(a, b, caret)) ?? commonAffix(a, b);
}

/**
 * The text op that turns `from` into `to` (common prefix and suffix kept), in code points. `caret`, when given,
 * is where the edit ends in `to` (code points): among equally small diffs the one ending there is chosen; a caret
 * that no smallest diff ends at is ignored.
 */
export function diffToTextOp(from: string, to: string, caret?: number): TextOp {
  const a = Array.from(from);
  const b = Array.from(to);
  const { prefix, suffix } = diffAffix(a, b, caret);
  const removed = a.length - prefix - suffix;
  const inserted = b.slice(prefix, b.length - suffix).join('');
  const op: TextOp = [];
  if (prefix) op.push(prefix);
  if (removed) op.push({ d: removed });
  if (inserted) op.push(inserted);
  return textType.normalize(op);
}
