import { type TextOp, type as textType } from 'ot-text-unicode';
import { hunkedTextOp } from './hunked-diff';
import { transformAgainst } from './strategies/operational-transform';
import type { SyncLine } from './types';

/**
 * Pure pieces of undo for changes that stored no inverse op (Yjs changes): the change is known by the section's
 * value before and after it, and is reverted on top of whatever happened since.
 */

/** One later change to the notes, as the server recorded it: its text op when it had one, and its values. */
export type NotesStep = { op: TextOp | null; before: string; after: string };

/**
 * The text op that takes the notes from `after` (the value right after the change being undone) back to
 * `before` (the change's stored inverse when it has one, else a diff), transformed over every later step so it applies to `current`. Steps whose values do not chain
 * (a value changed outside the recorded history, e.g. a policy alignment) are bridged with a diff.
 */
export function revertNotes(
  change: { before: string; after: string; inverse?: TextOp | null },
  later: readonly NotesStep[],
  current: string,
): TextOp {
  const history: TextOp[] = [];
  let value = change.after;
  // Diffs in hunks: a change (or a later step) that edited two far-apart places is not one replaced region,
  // which would bring back everything others wrote between them.
  for (const step of later) {
    if (step.before !== value) history.push(hunkedTextOp(value, step.before));
    history.push(step.op ?? hunkedTextOp(step.before, step.after));
    value = step.after;
  }
  if (value !== current) history.push(hunkedTextOp(value, current));
  return textType.normalize(
    transformAgainst(change.inverse ?? hunkedTextOp(change.after, change.before), history),
  );
}

export type LinesRevert =
  | { ok: true; lines: SyncLine[] }
  | { ok: false; lineId: string; reason: 'changed-since' };

/**
 * Reverts one change to the lines (`before` → `after`) on the current lines: lines it added are removed, lines
 * it removed come back at their old place, and quantities it changed go back, unless someone changed that
 * quantity since (then nothing is applied and the line is named).
 */
export function revertLines(
  change: { before: readonly SyncLine[]; after: readonly SyncLine[] },
  current: readonly SyncLine[],
): LinesRevert {
  const beforeById = new Map(change.before.map((line) => [line.id, line]));
  const afterById = new Map(change.after.map((line) => [line.id, line]));
  let lines = current.filter((line) => beforeById.has(line.id) || !afterById.has(line.id));
  const changedByIt = (id: string) => {
    const was = beforeById.get(id);
    const became = afterById.get(id);
    return was && became && (was.quantity !== became.quantity || was.productId !== became.productId)
      ? { was, became }
      : null;
  };
  for (const line of lines) {
    const changed = changedByIt(line.id);
    if (
      changed &&
      (line.quantity !== changed.became.quantity || line.productId !== changed.became.productId)
    ) {
      return { ok: false, lineId: line.id, reason: 'changed-since' };
    }
  }
  lines = lines.map((line) => {
    const changed = changedByIt(line.id);
    return changed ? { ...line, productId: changed.was.productId, quantity: changed.was.quantity } : line;
  });
  const present = new Set(lines.map((line) => line.id));
  change.before.forEach((line, index) => {
    if (afterById.has(line.id) || present.has(line.id)) return;
    // Back after the line that preceded it, or first when none of its predecessors is left.
    let at = 0;
    for (let i = index - 1; i >= 0; i--) {
      const found = lines.findIndex((l) => l.id === change.before[i]!.id);
      if (found >= 0) {
        at = found + 1;
        break;
      }
    }
    lines = [...lines.slice(0, at), { ...line }, ...lines.slice(at)];
    present.add(line.id);
  });
  return { ok: true, lines };
}

/** The single value-strategy op that turns `from` into `to`, when one op can (else null). */
export function linesAsOneOp(
  from: readonly SyncLine[],
  to: readonly SyncLine[],
):
  | { field: 'lines'; op: { type: 'line.add'; line: SyncLine } | { type: 'line.remove'; lineId: string } }
  | { field: string; op: { type: 'set'; value: number } }
  | null {
  const fromIds = new Set(from.map((line) => line.id));
  const toIds = new Set(to.map((line) => line.id));
  const added = to.filter((line) => !fromIds.has(line.id));
  const removed = from.filter((line) => !toIds.has(line.id));
  const changed = to.filter((line) => {
    const old = from.find((l) => l.id === line.id);
    return old && (old.quantity !== line.quantity || old.productId !== line.productId);
  });
  const count = added.length + removed.length + changed.length;
  if (count !== 1) return null;
  if (added[0]) return { field: 'lines', op: { type: 'line.add', line: added[0] } };
  if (removed[0]) return { field: 'lines', op: { type: 'line.remove', lineId: removed[0].id } };
  const line = changed[0]!;
  const old = from.find((l) => l.id === line.id)!;
  if (old.productId !== line.productId) return null;
  return { field: `lines.${line.id}.quantity`, op: { type: 'set', value: line.quantity } };
}
