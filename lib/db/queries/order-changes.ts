import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, ne, type SQL } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { appliedClientChanges, type EntityChangeRow, entityChanges, yjsStates } from '../schema';
import { withValue, withValues } from './change-values';

export type NewEntityChange = typeof entityChanges.$inferInsert;

export async function insertEntityChange(db: Executor, row: NewEntityChange): Promise<EntityChangeRow> {
  const [inserted] = await db.insert(entityChanges).values(row).returning();
  return inserted!;
}

/** Every read of an entity's changes names its tenant too: an id from another tenant finds nothing. */
type EntityRef = { tenantId: string; entityType: string; entityId: string };

const ofEntity = (ref: EntityRef) =>
  and(
    eq(entityChanges.tenantId, ref.tenantId),
    eq(entityChanges.entityType, ref.entityType),
    eq(entityChanges.entityId, ref.entityId),
  );

export async function lastFieldChange(db: Executor, ref: EntityRef, field: string) {
  const [row] = await db
    .select()
    .from(entityChanges)
    .where(and(ofEntity(ref), eq(entityChanges.field, field)))
    .orderBy(desc(entityChanges.version))
    .limit(1);
  return withValue(db, row);
}

/** The newest change of the field by anyone but `userId` after a version (null when only they changed it). */
export async function lastFieldChangeByOthers(
  db: Executor,
  ref: EntityRef,
  field: string,
  userId: string,
  afterVersion: number,
) {
  const [row] = await db
    .select()
    .from(entityChanges)
    .where(
      and(
        ofEntity(ref),
        eq(entityChanges.field, field),
        ne(entityChanges.userId, userId),
        gt(entityChanges.version, afterVersion),
      ),
    )
    .orderBy(desc(entityChanges.version))
    .limit(1);
  return withValue(db, row);
}

/**
 * Who set the field's value that a change replaced: the author of the field's newest change before it (null when the
 * change was the field's first, or is not this entity's). An undo of the change puts that person's value back.
 */
export async function authorBefore(
  db: Executor,
  ref: EntityRef,
  field: string,
  changeId: string,
): Promise<{ userId: string; userName: string } | null> {
  const [change] = await db
    .select({ version: entityChanges.version })
    .from(entityChanges)
    .where(and(ofEntity(ref), eq(entityChanges.id, changeId)));
  if (!change) return null;
  const [row] = await db
    .select({ userId: entityChanges.userId, userName: entityChanges.userName })
    .from(entityChanges)
    .where(and(ofEntity(ref), eq(entityChanges.field, field), lt(entityChanges.version, change.version)))
    .orderBy(desc(entityChanges.version))
    .limit(1);
  return row ?? null;
}

/** The first change of the field after a version (its `before` is the field's value at that version). */
export async function firstFieldChangeAfter(db: Executor, ref: EntityRef, field: string, version: number) {
  const [row] = await db
    .select()
    .from(entityChanges)
    .where(and(ofEntity(ref), eq(entityChanges.field, field), gt(entityChanges.version, version)))
    .orderBy(asc(entityChanges.version))
    .limit(1);
  return withValue(db, row);
}

export async function fieldChangesAfter(db: Executor, ref: EntityRef, field: string, version: number) {
  const rows = await db
    .select()
    .from(entityChanges)
    .where(and(ofEntity(ref), eq(entityChanges.field, field), gt(entityChanges.version, version)))
    .orderBy(asc(entityChanges.version));
  return withValues(db, rows);
}

/**
 * The changes after a version, as stored: a text edit kept by its op alone comes without its values (`isCompact`).
 * Its callers send changes as ops (`toAppliedChange` drops a text edit's values), so nothing is rebuilt here.
 */
export async function changesAfter(db: Executor, ref: EntityRef, version: number, limit: number) {
  return db
    .select()
    .from(entityChanges)
    .where(and(ofEntity(ref), gt(entityChanges.version, version)))
    .orderBy(asc(entityChanges.version))
    .limit(limit);
}

/** Who else edited the section since a moment (for the concurrent-edit notice): each person's newest edit. */
export async function recentSectionEdits(
  db: Executor,
  ref: EntityRef,
  section: string,
  since: Date,
  userId: string,
) {
  const rows = await db
    .selectDistinctOn([entityChanges.userId], {
      userId: entityChanges.userId,
      userName: entityChanges.userName,
      section: entityChanges.section,
      createdAt: entityChanges.createdAt,
    })
    .from(entityChanges)
    .where(
      and(
        ofEntity(ref),
        eq(entityChanges.section, section),
        gte(entityChanges.createdAt, since),
        ne(entityChanges.userId, userId),
      ),
    )
    .orderBy(entityChanges.userId, desc(entityChanges.createdAt));
  return rows.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, 20);
}

export async function findEntityChange(db: Executor, tenantId: string, changeId: string) {
  const [row] = await db
    .select()
    .from(entityChanges)
    .where(and(eq(entityChanges.id, changeId), eq(entityChanges.tenantId, tenantId)))
    .limit(1);
  return withValue(db, row);
}

/** The user's newest change of the entity that can still be undone (not an undo, not undone). */
export async function latestUndoable(db: Executor, ref: EntityRef, userId: string) {
  const [row] = await db
    .select()
    .from(entityChanges)
    .where(
      and(
        ofEntity(ref),
        eq(entityChanges.userId, userId),
        ne(entityChanges.kind, 'policy'),
        isNull(entityChanges.undoOf),
        isNull(entityChanges.undoneBy),
      ),
    )
    .orderBy(desc(entityChanges.version))
    .limit(1);
  return withValue(db, row);
}

/** The user's newest undo that was not itself undone (what redo re-applies). */
export async function latestRedoable(db: Executor, ref: EntityRef, userId: string) {
  const [row] = await db
    .select()
    .from(entityChanges)
    .where(and(ofEntity(ref), eq(entityChanges.userId, userId), isNull(entityChanges.undoneBy)))
    .orderBy(desc(entityChanges.version))
    .limit(1);
  return row?.kind === 'undo' ? withValue(db, row) : null;
}

export async function markUndone(db: Executor, changeIds: string | string[], undoneBy: string) {
  const ids = typeof changeIds === 'string' ? [changeIds] : changeIds;
  if (ids.length === 0) return;
  await db.update(entityChanges).set({ undoneBy }).where(inArray(entityChanges.id, ids));
}

export type HistoryFilter = {
  tenantId: string;
  entityType: string;
  entityId: string;
  field?: string;
  section?: string;
  userId?: string;
  /** Page backwards: versions below this one. */
  beforeVersion?: number;
  limit: number;
  /**
   * Rows as stored: a text edit kept by its op alone comes without its values (`isCompact`), saving the reads that
   * rebuild them. For callers that send changes as ops (`toAppliedChange` drops a text edit's values).
   */
  asStored?: boolean;
};

export async function listHistory(db: Executor, filter: HistoryFilter) {
  const conditions: SQL[] = [
    eq(entityChanges.tenantId, filter.tenantId),
    eq(entityChanges.entityType, filter.entityType),
    eq(entityChanges.entityId, filter.entityId),
  ];
  if (filter.field) conditions.push(eq(entityChanges.field, filter.field));
  if (filter.section) conditions.push(eq(entityChanges.section, filter.section));
  if (filter.userId) conditions.push(eq(entityChanges.userId, filter.userId));
  if (filter.beforeVersion !== undefined) conditions.push(lt(entityChanges.version, filter.beforeVersion));
  const rows = await db
    .select()
    .from(entityChanges)
    .where(and(...conditions))
    .orderBy(desc(entityChanges.version))
    .limit(filter.limit);
  return filter.asStored ? rows : withValues(db, rows);
}

/** The stored answers for client change ids a user already sent for one entity (ids are unique per entity). */
export async function findAppliedClientChanges(
  db: Executor,
  userId: string,
  entityId: string,
  clientChangeIds: string[],
) {
  if (clientChangeIds.length === 0) return [];
  return db
    .select()
    .from(appliedClientChanges)
    .where(
      and(
        eq(appliedClientChanges.userId, userId),
        eq(appliedClientChanges.entityId, entityId),
        inArray(appliedClientChanges.clientChangeId, clientChangeIds),
      ),
    );
}

export async function recordAppliedClientChange(db: Executor, row: typeof appliedClientChanges.$inferInsert) {
  await db.insert(appliedClientChanges).values(row);
}

/** Stores answers for client change ids, keeping any answer already stored for one of them. */
export async function recordClientChangesOnce(
  db: Executor,
  rows: (typeof appliedClientChanges.$inferInsert)[],
) {
  if (rows.length === 0) return;
  await db.insert(appliedClientChanges).values(rows).onConflictDoNothing();
}

export async function readYjsState(db: Executor, tenantId: string, entityId: string): Promise<string | null> {
  const [row] = await db
    .select({ state: yjsStates.state })
    .from(yjsStates)
    .where(and(eq(yjsStates.entityId, entityId), eq(yjsStates.tenantId, tenantId)))
    .limit(1);
  return row ? row.state : null;
}

export async function writeYjsState(
  db: Executor,
  row: { entityType: string; entityId: string; tenantId: string; state: string },
) {
  await db
    .insert(yjsStates)
    .values(row)
    .onConflictDoUpdate({ target: yjsStates.entityId, set: { state: row.state, updatedAt: new Date() } });
}
