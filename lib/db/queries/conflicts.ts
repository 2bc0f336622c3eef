import { and, count, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { type SyncConflictRow, syncConflicts } from '../schema';

export type NewSyncConflict = typeof syncConflicts.$inferInsert;

export async function insertConflict(db: Executor, row: NewSyncConflict): Promise<SyncConflictRow> {
  const [inserted] = await db.insert(syncConflicts).values(row).returning();
  return inserted!;
}

export type ConflictFilter = {
  tenantId: string;
  entityType?: string;
  entityId?: string;
  status?: 'open' | 'resolved';
  before?: Date;
  limit: number;
};

export async function listConflicts(db: Executor, filter: ConflictFilter) {
  const conditions: SQL[] = [eq(syncConflicts.tenantId, filter.tenantId)];
  if (filter.entityType) conditions.push(eq(syncConflicts.entityType, filter.entityType));
  if (filter.entityId) conditions.push(eq(syncConflicts.entityId, filter.entityId));
  if (filter.status) conditions.push(eq(syncConflicts.status, filter.status));
  if (filter.before) conditions.push(lt(syncConflicts.createdAt, filter.before));
  return db
    .select()
    .from(syncConflicts)
    .where(and(...conditions))
    .orderBy(desc(syncConflicts.createdAt))
    .limit(filter.limit);
}

/** The conflict, locked for the resolving transaction. */
export async function findConflictForUpdate(db: Executor, tenantId: string, conflictId: string) {
  const [row] = await db
    .select()
    .from(syncConflicts)
    .where(and(eq(syncConflicts.id, conflictId), eq(syncConflicts.tenantId, tenantId)))
    .for('update')
    .limit(1);
  return row ?? null;
}

export async function markConflictResolved(
  db: Executor,
  conflictId: string,
  resolution: {
    resolution: 'mine' | 'theirs' | 'merged';
    resolvedValue: unknown;
    resolvedBy: string;
    resolvedVersion: number | null;
  },
) {
  await db
    .update(syncConflicts)
    .set({ ...resolution, status: 'resolved', resolvedAt: new Date() })
    .where(eq(syncConflicts.id, conflictId));
}

/** Open conflicts of the tenant (the admin navigation shows the count). */
export async function countOpenConflicts(db: Executor, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(syncConflicts)
    .where(and(eq(syncConflicts.tenantId, tenantId), eq(syncConflicts.status, 'open')));
  return row?.n ?? 0;
}
