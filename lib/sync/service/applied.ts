import type { EntityChangeRow } from '../../db/schema';
import type { AppliedChange, ChangeOp, OverwriteNotice, StrategyName } from '../types';

/** A history row as the room and the history panel see it (what travels in events, replies and pages). */
export function toAppliedChange(row: EntityChangeRow): AppliedChange & {
  before: unknown;
  after: unknown;
  kind: string;
  undoneBy: string | null;
  undoable: boolean;
} {
  // Text and Yjs changes travel as ops; their before/after are whole notes (or line lists) that no client reads,
  // so they stay in the database (history rows, undo, the activity feed) and off the wire: a keystroke's event
  // is then the same size whatever the length of the notes.
  const op = row.op as ChangeOp;
  const byValue = op.type !== 'text' && op.type !== 'yjs';
  return {
    changeId: row.id,
    version: row.version,
    digest: row.digest,
    field: row.field,
    section: row.section,
    userId: row.userId,
    userName: row.userName,
    op,
    clientChangeId: row.clientChangeId,
    strategy: row.strategy as StrategyName,
    outcome: row.outcome as 'commit' | 'rebase',
    overwrote: (row.overwrote as OverwriteNotice | null) ?? null,
    undoOf: row.undoOf,
    at: row.createdAt.getTime(),
    before: byValue ? row.before : null,
    after: byValue ? row.after : null,
    kind: row.kind,
    undoneBy: row.undoneBy,
    undoable: isUndoable(row),
  };
}

/** Whether a history row can be undone: it stored an inverse, or it is a Yjs change (reverted by its values). */
export function isUndoable(row: Pick<EntityChangeRow, 'inverse' | 'op' | 'field'>): boolean {
  if (row.inverse !== null) return true;
  const op = row.op as ChangeOp;
  return op.type === 'yjs' && (row.field === 'notes' || row.field === 'lines');
}
