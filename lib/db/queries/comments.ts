import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { type CommentRow, type CommentThreadRow, comments, commentThreads } from '../schema';

export type NewThread = typeof commentThreads.$inferInsert;
export type NewComment = typeof comments.$inferInsert;

export async function insertThread(db: Executor, input: NewThread): Promise<CommentThreadRow> {
  const [row] = await db.insert(commentThreads).values(input).returning();
  if (!row) throw new Error('thread insert returned nothing');
  return row;
}

export async function insertComment(db: Executor, input: NewComment): Promise<CommentRow> {
  const [row] = await db.insert(comments).values(input).returning();
  if (!row) throw new Error('comment insert returned nothing');
  return row;
}

export async function findThread(db: Executor, tenantId: string, threadId: string) {
  const [row] = await db
    .select()
    .from(commentThreads)
    .where(and(eq(commentThreads.tenantId, tenantId), eq(commentThreads.id, threadId)))
    .limit(1);
  return row ?? null;
}

export async function findComment(db: Executor, tenantId: string, commentId: string) {
  const [row] = await db
    .select()
    .from(comments)
    .where(and(eq(comments.tenantId, tenantId), eq(comments.id, commentId)))
    .limit(1);
  return row ?? null;
}

/** The threads of an entity (internal ones only when asked) with their comments, oldest first. */
export async function listThreads(
  db: Executor,
  input: { tenantId: string; entityType: string; entityId: string; includeInternal: boolean },
) {
  const where = [
    eq(commentThreads.tenantId, input.tenantId),
    eq(commentThreads.entityType, input.entityType),
    eq(commentThreads.entityId, input.entityId),
  ];
  if (!input.includeInternal) where.push(eq(commentThreads.internal, false));
  const threads = await db
    .select()
    .from(commentThreads)
    .where(and(...where))
    .orderBy(asc(commentThreads.createdAt));
  const ids = threads.map((t) => t.id);
  const rows = ids.length
    ? await db.select().from(comments).where(inArray(comments.threadId, ids)).orderBy(asc(comments.createdAt))
    : [];
  return { threads, comments: rows };
}

export async function listThreadComments(db: Executor, threadId: string) {
  return db.select().from(comments).where(eq(comments.threadId, threadId)).orderBy(asc(comments.createdAt));
}

export async function updateThread(
  db: Executor,
  threadId: string,
  patch: Partial<
    Pick<
      NewThread,
      'status' | 'resolvedBy' | 'resolvedByName' | 'resolvedAt' | 'rangeStart' | 'rangeEnd' | 'anchorVersion'
    >
  >,
) {
  const [row] = await db
    .update(commentThreads)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(commentThreads.id, threadId))
    .returning();
  return row ?? null;
}

export async function updateComment(
  db: Executor,
  commentId: string,
  patch: Partial<Pick<NewComment, 'body' | 'mentions' | 'editedAt' | 'deletedAt'>>,
) {
  const [row] = await db.update(comments).set(patch).where(eq(comments.id, commentId)).returning();
  return row ?? null;
}
