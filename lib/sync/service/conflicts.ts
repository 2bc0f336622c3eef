import type { Executor, Tx } from '../../db/create-db';
import { findConflictForUpdate, markConflictResolved } from '../../db/queries/conflicts';
import { fieldChangesAfter } from '../../db/queries/order-changes';
import { loadSyncedOrder } from '../../db/queries/order-writes';
import type { SyncConflictRow } from '../../db/schema';
import { readField } from '../doc';
import { type SyncParams, syncEvents } from '../protocol';
import type { ChangeResult, OrderDoc } from '../types';
import type { CommitDeps, CommitResult, EntityRef } from './commit-change';
import { commitChange } from './commit-change';
import { fail, ok, type Publish, type SyncContext, type SyncResult } from './context';
import { toDoc } from './order-entity';

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

/** The field's newest value when it changed after the conflict was raised, and who changed it since. */
export type ConflictCurrent = {
  value: unknown;
  version: number;
  userId: string;
  userName: string;
  at: number;
  editors: { userId: string; userName: string }[];
};

/** What changed the conflict's field after it was raised (its `theirs` version), or null. */
export async function currentOf(
  db: Executor,
  conflict: SyncConflictRow,
  doc: OrderDoc,
): Promise<ConflictCurrent | null> {
  const entity = {
    tenantId: conflict.tenantId,
    entityType: conflict.entityType,
    entityId: conflict.entityId,
  };
  const later = await fieldChangesAfter(db, entity, conflict.field, conflict.theirsVersion);
  const latest = later.at(-1);
  if (!latest) return null;
  const editors = new Map(later.map((row) => [row.userId, { userId: row.userId, userName: row.userName }]));
  return {
    value: readField(doc, conflict.field) ?? null,
    version: latest.version,
    userId: latest.userId,
    userName: latest.userName,
    at: latest.createdAt.getTime(),
    editors: [...editors.values()],
  };
}

/** Conflict views with the newer value beside mine and theirs where the field changed since. */
export async function withCurrent(db: Executor, tenantId: string, rows: readonly SyncConflictRow[]) {
  const docs = new Map<string, OrderDoc | null>();
  const out = [];
  for (const row of rows) {
    if (!docs.has(row.entityId)) {
      const order = await loadSyncedOrder(db, tenantId, row.entityId);
      docs.set(row.entityId, order ? toDoc(order) : null);
    }
    const doc = docs.get(row.entityId);
    const current = doc && row.status === 'open' ? await currentOf(db, row, doc) : null;
    out.push({ ...toConflictView(row), current });
  }
  return out;
}

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
  let overwritten: { userId: string; userName: string }[] = [];
  const committed = await deps.serialize(ref.entityId, () =>
    commitChange(
      deps.commitDeps,
      ctx,
      ref,
      async (tx, order) => {
        const conflict = await findConflictForUpdate(tx, ctx.user.tenantId, params.conflictId);
        if (!conflict) return { code: 'NOT_FOUND', message: 'Conflict not found' };
        if (conflict.status !== 'open') return { code: 'CONFLICT', message: 'Already resolved' };
        // Based on the version the conflict was raised at: a value written to the field since is never replaced
        // unseen. The admin must have reviewed the newest one; then replacing it is recorded as an overwrite.
        const current = await currentOf(tx, conflict, toDoc(order));
        if (current && params.reviewedVersion !== current.version) {
          return {
            code: 'CONFLICT',
            message: `${current.userName} changed this after the conflict was raised: review the newest value`,
            details: { reason: 'changed_since', current },
          };
        }
        resolvedRow = conflict;
        overwritten = current?.editors.filter((e) => e.userId !== ctx.user.id) ?? [];
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
          ...(current
            ? {
                overwrites: {
                  userId: current.userId,
                  userName: current.userName,
                  version: current.version,
                  at: current.at,
                  field: conflict.field,
                },
              }
            : {}),
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
    return fail(committed.result.code as never, committed.result.message, committed.result.details);
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
    /** People whose later edits of the field the resolution replaced (each is told). */
    overwrote: overwritten,
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
