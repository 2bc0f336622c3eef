import type { TextOp } from 'ot-text-unicode';
import { diffToTextOp, transformRange } from '../sync/strategies/operational-transform';

/** A change of the notes as history keeps it: a text op, or (other strategies) the text before and after. */
export type NotesChange = { op: { type: string; op?: unknown }; before: unknown; after: unknown };

/** The text op a notes change amounts to (a whole-value change becomes the minimal diff). */
export function notesOpOf(change: NotesChange): TextOp | null {
  if (change.op.type === 'text' && Array.isArray(change.op.op)) return change.op.op as TextOp;
  if (typeof change.before === 'string' && typeof change.after === 'string')
    return diffToTextOp(change.before, change.after);
  return null;
}

/** Moves a commented range through the notes changes made after it was anchored (in version order). */
export function rebaseRange(
  range: { start: number; end: number },
  changes: readonly NotesChange[],
): { start: number; end: number } {
  let current = range;
  for (const change of changes) {
    const op = notesOpOf(change);
    if (op) current = transformRange(current, op);
  }
  return current;
}
