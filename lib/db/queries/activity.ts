import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { activityEvents } from '../schema';

export type NewActivity = typeof activityEvents.$inferInsert;

export async function insertActivity(db: Executor, input: NewActivity) {
  const [row] = await db.insert(activityEvents).values(input).returning();
  if (!row) throw new Error('activity insert returned nothing');
  return row;
}

/** Folds later edits into an entry (its changes, meta and time move to the latest edit). */
export async function updateActivity(
  db: Executor,
  id: string,
  patch: Pick<NewActivity, 'changes' | 'meta' | 'createdAt'>,
) {
  const [row] = await db.update(activityEvents).set(patch).where(eq(activityEvents.id, id)).returning();
  return row ?? null;
}

export type ActivityFilter = {
  tenantId: string;
  actions?: string[];
  entityTypes?: string[];
  entityId?: string;
  /** Keyset cursor: rows strictly older than this (createdAt, id). */
  before?: { at: Date; id: string };
  limit: number;
};

/** Newest first, filtered by action and entity, paged by a (createdAt, id) cursor. */
export async function listActivity(db: Executor, filter: ActivityFilter) {
  const where: SQL[] = [eq(activityEvents.tenantId, filter.tenantId)];
  if (filter.actions?.length) where.push(inArray(activityEvents.action, filter.actions));
  if (filter.entityTypes?.length) where.push(inArray(activityEvents.entityType, filter.entityTypes));
  if (filter.entityId) where.push(eq(activityEvents.entityId, filter.entityId));
  if (filter.before) {
    const older = or(
      lt(activityEvents.createdAt, filter.before.at),
      and(eq(activityEvents.createdAt, filter.before.at), lt(activityEvents.id, filter.before.id)),
    );
    if (older) where.push(older);
  }
  return db
    .select()
    .from(activityEvents)
    .where(and(...where))
    .orderBy(desc(activityEvents.createdAt), desc(activityEvents.id))
    .limit(filter.limit);
}
