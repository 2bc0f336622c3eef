import type { Tx } from '../../db/create-db';
import {
  fieldChangesAfter,
  findEntityChange,
  lastFieldChange,
  latestRedoable,
  latestUndoable,
} from '../../db/queries/order-changes';
import type { SyncedOrder } from '../../db/queries/order-writes';
import { transformAgainst } from '../strategies/operational-transform';
import type { ChangeOp } from '../types';
import type { EntityRef, PreparedChange } from './commit-change';
import type { SyncContext, SyncError } from './context';

/**
 * Undo and redo are compensating changes: the stored inverse of the user's own change, brought up to date
 * (text ops are transformed over later edits), then run through the normal path so permissions, locks and the
 * policy are checked again.
 */
export async function prepareUndo(
  tx: Tx,
  ctx: SyncContext,
  ref: EntityRef,
  order: SyncedOrder,
  mode: 'undo' | 'redo',
  changeId: string | undefined,
  clientChangeId: string,
): Promise<PreparedChange | SyncError> {
  const entity = { entityType: ref.entityType, entityId: ref.entityId };
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
  const inverse = target.inverse as ChangeOp | null;
  if (!inverse) return { code: 'VALIDATION', message: 'This change cannot be undone' };

  let op: ChangeOp = inverse;
  if (inverse.type === 'text') {
    const later = await fieldChangesAfter(tx, entity, target.field, target.version);
    const ops = later.map((row) => row.op as ChangeOp);
    if (ops.some((o) => o.type !== 'text'))
      return { code: 'CONFLICT', message: 'The notes were replaced since' };
    op = {
      type: 'text',
      op: transformAgainst(
        inverse.op,
        ops.map((o) => (o as Extract<ChangeOp, { type: 'text' }>).op),
      ),
    };
  } else if (inverse.type === 'set') {
    const last = await lastFieldChange(tx, entity, target.field);
    if (last && last.id !== target.id) {
      return { code: 'CONFLICT', message: `${last.userName} changed this since` };
    }
  }
  return {
    field: target.field,
    op,
    baseVersion: order.version,
    clientChangeId,
    kind: mode,
    undoOf: target.id,
  };
}
