import { type TextOp, type as textType } from 'ot-text-unicode';
import * as Y from 'yjs';
import type { Tx } from '../../db/create-db';
import {
  fieldChangesAfter,
  findEntityChange,
  lastFieldChange,
  latestRedoable,
  latestUndoable,
  listHistory,
} from '../../db/queries/order-changes';
import { loadOrderLines } from '../../db/queries/order-writes';
import type { EntityChangeRow } from '../../db/schema';
import { type OrderPolicy, opKindFor } from '../policy';
import { linesAsOneOp, type NotesStep, revertLines, revertNotes } from '../revert';
import { invertTextOp } from '../strategies/operational-transform';
import type { ChangeOp, EditOp, SyncLine } from '../types';
import { continuesTypingRun } from '../typing-run';
import { alignYDoc, applyTextOpToYDoc, loadYDoc, readYDoc, toBase64 } from '../yjs-doc';
import { isUndoable } from './applied';
import type { EntityRef, PreparedChange } from './commit-change';
import type { SyncContext, SyncError } from './context';
import { toDoc } from './order-entity';
import type { PinnedOrder } from './policy-switch';
import { ensureYjsState } from './yjs-state';

/** The compensating op, and the other changes of the typing run it takes back with the target. */
type Compensation = { field: string; op: EditOp; alsoUndoes?: string[] } | SyncError;

/**
 * Undo and redo are compensating changes: the user's own change reverted on top of everything that happened
 * since (text is transformed over later edits, lines are reverted line by line, a plain value only while nobody
 * changed it since), expressed in the op the field's strategy takes now, then run through the normal path so
 * permissions, locks and the policy are checked again.
 */
export async function prepareUndo(
  tx: Tx,
  ctx: SyncContext,
  ref: EntityRef,
  order: PinnedOrder,
  mode: 'undo' | 'redo',
  changeId: string | undefined,
  clientChangeId: string,
): Promise<PreparedChange | SyncError> {
  const entity = { tenantId: ctx.user.tenantId, entityType: ref.entityType, entityId: ref.entityId };
  const target = changeId
    ? await findEntityChange(tx, ctx.user.tenantId, changeId)
    : mode === 'undo'
      ? await latestUndoable(tx, entity, ctx.user.id)
      : await latestRedoable(tx, entity, ctx.user.id);
  if (!target || target.entityId !== ref.entityId) {
    return { code: 'NOT_FOUND', message: mode === 'undo' ? 'Nothing to undo' : 'Nothing to redo' };
  }
  if (target.userId !== ctx.user.id)
    return { code: 'FORBIDDEN', message: 'You can only undo your own changes' };
  if (mode === 'redo' && target.kind !== 'undo')
    return { code: 'VALIDATION', message: 'Only an undo can be redone' };
  if (mode === 'undo' && target.kind === 'undo')
    return { code: 'VALIDATION', message: 'Use redo for an undo' };
  if (target.undoneBy) return { code: 'CONFLICT', message: 'Already undone' };
  if (!isUndoable(target)) return { code: 'VALIDATION', message: 'This change cannot be undone' };

  const compensation = await compensate(tx, ctx, ref, order, target);
  if ('code' in compensation) return compensation;
  return {
    field: compensation.field,
    op: compensation.op,
    baseVersion: order.version,
    clientChangeId,
    kind: mode,
    undoOf: target.id,
    alsoUndoes: compensation.alsoUndoes ?? [],
  };
}

async function compensate(
  tx: Tx,
  ctx: SyncContext,
  ref: EntityRef,
  order: PinnedOrder,
  target: EntityChangeRow,
): Promise<Compensation> {
  const entity = { tenantId: ctx.user.tenantId, entityType: ref.entityType, entityId: ref.entityId };
  const inverse = target.inverse as ChangeOp | null;
  const op = target.op as ChangeOp;
  if (target.field === 'notes' && (inverse?.type === 'text' || op.type === 'yjs')) {
    // The whole run of typing the change ends goes back in one step (its first before to its last after).
    const run = target.kind === 'change' ? await typingRunEndingAt(tx, ctx, ref, target) : [target];
    const first = run.at(-1) ?? target;
    const later = await fieldChangesAfter(tx, entity, 'notes', target.version);
    const revert = revertNotes(
      { before: String(first.before ?? ''), after: String(target.after ?? ''), inverse: runInverse(run) },
      later.map(notesStep),
      order.notes,
    );
    const expressed = await expressNotes(tx, ctx, ref, order, revert);
    if ('code' in expressed) return expressed;
    return { ...expressed, alsoUndoes: run.slice(1).map((row) => row.id) };
  }
  if (target.field === 'lines' && op.type === 'yjs') {
    const lines = await loadOrderLines(tx, order.id);
    const reverted = revertLines(
      { before: (target.before ?? []) as SyncLine[], after: (target.after ?? []) as SyncLine[] },
      lines,
    );
    if (!reverted.ok) return { code: 'CONFLICT', message: 'A line it changed was changed since' };
    return expressLines(tx, ctx, ref, { ...order, lines }, reverted.lines);
  }
  if (!inverse || inverse.type === 'policy')
    return { code: 'VALIDATION', message: 'This change cannot be undone' };
  if (inverse.type === 'set') {
    const last = await lastFieldChange(tx, entity, target.field);
    if (last && last.id !== target.id) {
      return { code: 'CONFLICT', message: `${last.userName} changed this since` };
    }
  }
  return { field: target.field, op: inverse };
}

const RUN_LOOKBACK = 200;

/** The target and the changes before it in the same run of typing, newest first (see lib/sync/typing-run.ts). */
async function typingRunEndingAt(
  tx: Tx,
  ctx: SyncContext,
  ref: EntityRef,
  target: EntityChangeRow,
): Promise<EntityChangeRow[]> {
  const rows = await listHistory(tx, {
    tenantId: ctx.user.tenantId,
    entityType: ref.entityType,
    entityId: ref.entityId,
    beforeVersion: target.version,
    limit: RUN_LOOKBACK,
  });
  const member = (row: EntityChangeRow) => ({
    userId: row.userId,
    field: row.field,
    kind: row.kind,
    op: row.op as ChangeOp,
    at: row.createdAt.getTime(),
    undoneBy: row.undoneBy,
  });
  const run = [target];
  for (const row of rows) {
    if (!continuesTypingRun(member(run.at(-1)!), member(row))) break;
    run.push(row);
  }
  return run;
}

/**
 * The exact inverse of a whole run (newest first): each change's stored inverse, the newest taken back first.
 * Null when one of them stored none (a Yjs change from before inverses were kept): the run is then reverted by
 * its values.
 */
function runInverse(run: readonly EntityChangeRow[]): TextOp | null {
  let composed: TextOp = [];
  for (const row of run) {
    const inverse = row.inverse as ChangeOp | null;
    if (inverse?.type !== 'text') return null;
    composed = textType.compose(composed, inverse.op);
  }
  return composed;
}

function notesStep(row: EntityChangeRow): NotesStep {
  const op = row.op as ChangeOp;
  const inverse = row.inverse as ChangeOp | null;
  const after = String(row.after ?? '');
  return {
    // A Yjs change's own op is its stored inverse turned round (exact, where the diff of values may not be).
    op: op.type === 'text' ? op.op : inverse?.type === 'text' ? invertTextOp(inverse.op, after) : null,
    before: String(row.before ?? ''),
    after,
  };
}

/** The reverting text op in the op kind the notes' strategy takes now. */
async function expressNotes(
  tx: Tx,
  ctx: SyncContext,
  ref: EntityRef,
  order: PinnedOrder,
  revert: TextOp,
): Promise<Compensation> {
  const { policy } = order;
  const kind = opKindFor(policy, 'notes');
  if (kind === 'text') return { field: 'notes', op: { type: 'text', op: revert } };
  const notes = textType.apply(order.notes, revert);
  if (kind === 'value') return { field: 'notes', op: { type: 'set', value: notes } };
  const lines = await loadOrderLines(tx, order.id);
  // In Yjs the revert goes in at its own positions: a diff of the values could delete a neighbour's items
  // that read the same and keep the person's, and colleagues' concurrent Yjs edits anchor on those items.
  return yjsCompensation(tx, ctx, ref, { ...order, lines }, policy, 'notes', (ydoc) =>
    readYDoc(ydoc).notes === order.notes
      ? applyTextOpToYDoc(ydoc, revert)
      : alignYDoc(ydoc, { ...readYDoc(ydoc), notes }),
  );
}

/** The reverted lines in the op kind the lines' strategy takes now. */
async function expressLines(
  tx: Tx,
  ctx: SyncContext,
  ref: EntityRef,
  order: PinnedOrder,
  lines: SyncLine[],
): Promise<Compensation> {
  const { policy } = order;
  if (opKindFor(policy, 'lines') === 'yjs') {
    return yjsCompensation(tx, ctx, ref, order, policy, 'lines', (ydoc) =>
      alignYDoc(ydoc, { ...readYDoc(ydoc), lines }),
    );
  }
  const single = linesAsOneOp(order.lines, lines);
  if (single) return single;
  if (JSON.stringify(order.lines) === JSON.stringify(lines)) {
    return { code: 'CONFLICT', message: 'Nothing is left to undo' };
  }
  return { code: 'CONFLICT', message: 'The lines changed strategy since: undo them one by one' };
}

/**
 * A Yjs update that moves the stored document to the reverted values. Any alignment the stored document needed
 * (values changed under another strategy) is written now and sent with the update, so every client gets both.
 */
async function yjsCompensation(
  tx: Tx,
  ctx: SyncContext,
  ref: EntityRef,
  order: PinnedOrder,
  policy: OrderPolicy,
  field: 'notes' | 'lines',
  revert: (ydoc: Y.Doc) => Uint8Array | null,
): Promise<Compensation> {
  const { state, alignment } = await ensureYjsState(
    tx,
    { ...ref, tenantId: ctx.user.tenantId },
    toDoc(order),
    policy,
  );
  const ydoc = loadYDoc(state);
  try {
    const update = revert(ydoc);
    if (!update) return { code: 'CONFLICT', message: 'Nothing is left to undo' };
    const merged = alignment ? Y.mergeUpdates([alignment, update]) : update;
    return { field, op: { type: 'yjs', update: toBase64(merged) } };
  } finally {
    ydoc.destroy();
  }
}
