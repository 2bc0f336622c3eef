import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { notifications } from '../schema';

export async function insertNotification(
  db: Executor,
  input: { tenantId: string; userId: string; kind: string; payload: Record<string, unknown> },
) {
  const [row] = await db.insert(notifications).values(input).returning();
  if (!row) throw new Error('notification insert returned nothing');
  return row;
}

export async function listNotifications(db: Executor, tenantId: string, userId: string, limit: number) {
  return db
    .select()
    .from(notifications)
    .where(and(eq(notifications.tenantId, tenantId), eq(notifications.userId, userId)))
    .orderBy(desc(notifications.createdAt))
    .limit(limit);
}

export async function countUnreadNotifications(db: Executor, userId: string) {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
  return Number(row?.count ?? 0);
}

/** Marks the given notifications (all when no ids) of the user read. */
export async function markNotificationsRead(db: Executor, userId: string, at: Date, ids?: string[]) {
  const rows = await db
    .update(notifications)
    .set({ readAt: at })
    .where(
      and(
        eq(notifications.userId, userId),
        isNull(notifications.readAt),
        ids ? inArray(notifications.id, ids) : undefined,
      ),
    )
    .returning({ id: notifications.id });
  return rows.length;
}

export async function getNotification(db: Executor, id: string) {
  const [row] = await db.select().from(notifications).where(eq(notifications.id, id)).limit(1);
  return row ?? null;
}
