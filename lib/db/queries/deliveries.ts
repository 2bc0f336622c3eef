import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { type DeliveryStatus, deliveryRecords } from '../schema';

export type NewDelivery = { tenantId: string; userId: string; kind: string; refId: string; channel: string };

export async function insertDeliveriesAt(db: Executor, rows: NewDelivery[], at: Date) {
  if (rows.length === 0) return;
  await db
    .insert(deliveryRecords)
    .values(rows.map((row) => ({ ...row, createdAt: at, updatedAt: at })))
    .onConflictDoNothing();
}

export async function insertDeliveries(db: Executor, rows: NewDelivery[]) {
  if (rows.length === 0) return;
  await db.insert(deliveryRecords).values(rows).onConflictDoNothing();
}

export async function markDeliveriesDelivered(
  db: Executor,
  userId: string,
  kind: string,
  refIds: string[],
  at: Date,
) {
  if (refIds.length === 0) return 0;
  const rows = await db
    .update(deliveryRecords)
    .set({ status: 'delivered', deliveredAt: at, updatedAt: at })
    .where(
      and(
        eq(deliveryRecords.userId, userId),
        eq(deliveryRecords.kind, kind),
        inArray(deliveryRecords.refId, refIds),
        sql`${deliveryRecords.status} <> 'delivered'`,
      ),
    )
    .returning({ id: deliveryRecords.id });
  return rows.length;
}

/** Pending records not updated since `before`: candidates for a retry. */
export async function stalePendingDeliveries(db: Executor, before: Date, limit: number) {
  return db
    .select()
    .from(deliveryRecords)
    .where(and(eq(deliveryRecords.status, 'pending'), lt(deliveryRecords.updatedAt, before)))
    .orderBy(deliveryRecords.updatedAt)
    .limit(limit);
}

export async function recordRetry(db: Executor, ids: string[], at: Date) {
  if (ids.length === 0) return;
  await db
    .update(deliveryRecords)
    .set({ retryCount: sql`${deliveryRecords.retryCount} + 1`, updatedAt: at })
    .where(and(inArray(deliveryRecords.id, ids), eq(deliveryRecords.status, 'pending')));
}

export async function markDeliveriesFailed(db: Executor, ids: string[], error: string, at: Date) {
  if (ids.length === 0) return;
  await db
    .update(deliveryRecords)
    .set({ status: 'failed', lastError: error, updatedAt: at })
    .where(and(inArray(deliveryRecords.id, ids), eq(deliveryRecords.status, 'pending')));
}

export async function deliveryCounts(
  db: Executor,
  tenantId: string,
): Promise<Record<DeliveryStatus, number>> {
  const rows = await db
    .select({ status: deliveryRecords.status, count: sql<number>`count(*)::int` })
    .from(deliveryRecords)
    .where(eq(deliveryRecords.tenantId, tenantId))
    .groupBy(deliveryRecords.status);
  const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

export async function listDeliveries(db: Executor, tenantId: string, refIds: string[]) {
  if (refIds.length === 0) return [];
  return db
    .select()
    .from(deliveryRecords)
    .where(and(eq(deliveryRecords.tenantId, tenantId), inArray(deliveryRecords.refId, refIds)));
}

/** Removes records older than the cutoff; returns how many went. */
export async function deleteDeliveriesBefore(db: Executor, cutoff: Date) {
  const rows = await db
    .delete(deliveryRecords)
    .where(lt(deliveryRecords.createdAt, cutoff))
    .returning({ id: deliveryRecords.id });
  return rows.length;
}
