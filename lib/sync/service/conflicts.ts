import type { Tx } from '../../db/create-db';
import { findConflictForUpdate, markConflictResolved } from '../../db/queries/conflicts';
import type { SyncConflictRow } from '../../db/schema';
import { type SyncParams, syncEvents } from '../protocol';
import type { ChangeResult } from '../types';
import type { CommitDeps, CommitResult, EntityRef } from './commit-change';
import { commitChange } from './commit-change';
import { fail, ok, type Publish, type SyncContext, type SyncResult } from './context';

export function toConflictView(row: SyncConflictRow) {
  return {
    conflictId: row.id,
    entityType: row.entityType,
    entityId: row.entityId,
    field: row.field,
    section: row.section,
    baseVersion: row.baseVersion,
    base: row.base,
    mine: row.mine,
    theirs: row.theirs,
    mineBy: { userId: row.mineUserId, userName: row.mineUserName },
    theirsBy: { userId: row.theirsUserId, userName: row.theirsUserName, version: row.theirsVersion },
    at: row.createdAt.getTime(),
    status: row.status as 'open' | 'resolved',
    resolution: row.resolution as 'mine' | 'theirs' | 'merged' | null,
    resolvedValue: row.resolvedValue,
    resolvedBy: row.resolvedBy,
    resolvedAt: row.resolvedAt ? row.resolvedAt.getTime() : null,
  };
}
export type ConflictView = ReturnType<typeof toConflictView>;

type ResolveDeps = {
  commitDeps: CommitDeps;
  serialize: <T>(entityId: string, task: () => Promise<T>) => Promise<T>;
  announce: (ctx: SyncContext, ref: EntityRef, committed: CommitResult) => Promise<void>;
  publish: Publish;
};

/** Applies the chosen value (mine, theirs or merged) as a new change and closes the conflict in one commit. */
export async function resolveConflictChange(
  deps: ResolveDeps,
  ctx: SyncContext,
  params: SyncParams<'conflict.resolve'>,
): Promise<SyncResult<{ result: ChangeResult; conflict: ConflictView }>> {
  const peek = await deps.commitDeps.database.db.transaction((tx: Tx) =>
    findConflictForUpdate(tx, ctx.user.tenantId, params.conflictId),
  );
  if (!peek) return fail('NOT_FOUND', 'Conflict not found');
  if (params.resolution === 'merged' && params.value === undefined)
    return fail('VALIDATION', 'A merged value is needed');
  const ref: EntityRef = { entityType: 'order', entityId: peek.entityId };
  let resolvedRow: SyncConflictRow | null = null;
  const committed = await deps.serialize(ref.entityId, () =>
    commitChange(
      deps.commitDeps,
      ctx,
      ref,
      async (tx, order) => {
        const conflict = await findConflictForUpdate(tx, ctx.user.tenantId, params.conflictId);
        if (!conflict) return { code: 'NOT_FOUND', message: 'Conflict not found' };
        if (conflict.status !== 'open') return { code: 'CONFLICT', message: 'Already resolved' };
        resolvedRow = conflict;
        const value =
          params.resolution === 'mine'
            ? conflict.mine
            : params.resolution === 'theirs'
              ? conflict.theirs
              : params.value;
        return {
          field: conflict.field,
          op: { type: 'set', value },
          baseVersion: order.version,
          clientChangeId: `resolve:${conflict.id}`,
          kind: 'change',
          undoOf: null,
        };
      },
      {
        inTransaction: async (tx, applied) => {
          const op = applied.op as { value: unknown };
          await markConflictResolved(tx, params.conflictId, {
            resolution: params.resolution,
            resolvedValue: op.value,
            resolvedBy: ctx.user.id,
            resolvedVersion: applied.version,
          });
        },
      },
    ),
  );
  if (committed.result.status === 'rejected')
    return fail(committed.result.code as never, committed.result.message);
  if (committed.result.status === 'conflict' || !resolvedRow)
    return fail('CONFLICT', 'The field changed again');
  await deps.announce(ctx, ref, committed);
  const row: SyncConflictRow = resolvedRow;
  const conflict = {
    ...toConflictView(row),
    status: 'resolved' as const,
    resolution: params.resolution,
    resolvedValue: (committed.applied?.op as { value: unknown } | undefined)?.value ?? null,
    resolvedBy: ctx.user.id,
    resolvedAt: Date.now(),
  };
  for (const channel of [`order:${ref.entityId}`, 'admin']) {
    await deps.publish({
      tenantId: ctx.user.tenantId,
      channel,
      event: syncEvents.conflictResolved,
      data: conflict,
      actor: { id: ctx.user.id, name: ctx.user.name },
    });
  }
  return ok({ result: committed.result, conflict });
}
