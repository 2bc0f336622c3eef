import { and, desc, eq, inArray, isNull, lt, lte, sql } from 'drizzle-orm';
import type { Executor } from '../create-db';
import { messageReceipts, messages, users } from '../schema';

const messageColumns = {
  id: messages.id,
  seq: messages.seq,
  conversationId: messages.conversationId,
  authorId: messages.authorId,
  authorName: users.name,
  body: messages.body,
  createdAt: messages.createdAt,
  editedAt: messages.editedAt,
  deletedAt: messages.deletedAt,
};

export type MessageRow = {
  id: string;
  seq: number;
  conversationId: string;
  authorId: string;
  authorName: string;
  body: string;
  createdAt: Date;
  editedAt: Date | null;
  deletedAt: Date | null;
};

export type ReceiptRow = {
  messageId: string;
  userId: string;
  deliveredAt: Date | null;
  readAt: Date | null;
};

export async function insertMessage(
  db: Executor,
  input: { tenantId: string; conversationId: string; authorId: string; body: string },
) {
  const [row] = await db.insert(messages).values(input).returning();
  if (!row) throw new Error('message insert returned nothing');
  return row;
}

export async function insertReceipts(
  db: Executor,
  input: { tenantId: string; conversationId: string; messageId: string; userIds: string[] },
) {
  if (input.userIds.length === 0) return;
  await db
    .insert(messageReceipts)
    .values(
      input.userIds.map((userId) => ({
        tenantId: input.tenantId,
        conversationId: input.conversationId,
        messageId: input.messageId,
        userId,
      })),
    )
    .onConflictDoNothing();
}

export async function getMessage(db: Executor, tenantId: string, id: string): Promise<MessageRow | null> {
  const [row] = await db
    .select(messageColumns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .where(and(eq(messages.tenantId, tenantId), eq(messages.id, id)))
    .limit(1);
  return row ?? null;
}

/** A page of messages, oldest first, strictly before the `before` seq when given. */
export async function listMessages(
  db: Executor,
  conversationId: string,
  options: { before?: number; limit: number },
): Promise<MessageRow[]> {
  const rows = await db
    .select(messageColumns)
    .from(messages)
    .innerJoin(users, eq(users.id, messages.authorId))
    .where(
      and(
        eq(messages.conversationId, conversationId),
        options.before !== undefined ? lt(messages.seq, options.before) : undefined,
      ),
    )
    .orderBy(desc(messages.seq))
    .limit(options.limit);
  return rows.reverse();
}

export async function updateMessageBody(db: Executor, id: string, body: string, at: Date) {
  const [row] = await db
    .update(messages)
    .set({ body, editedAt: at })
    .where(and(eq(messages.id, id), isNull(messages.deletedAt)))
    .returning({ id: messages.id, editedAt: messages.editedAt });
  return row ?? null;
}

export async function softDeleteMessage(db: Executor, id: string, at: Date) {
  const [row] = await db
    .update(messages)
    .set({ body: '', deletedAt: at })
    .where(and(eq(messages.id, id), isNull(messages.deletedAt)))
    .returning({ id: messages.id, deletedAt: messages.deletedAt });
  return row ?? null;
}

export async function receiptsFor(db: Executor, messageIds: string[]): Promise<ReceiptRow[]> {
  if (messageIds.length === 0) return [];
  return db
    .select({
      messageId: messageReceipts.messageId,
      userId: messageReceipts.userId,
      deliveredAt: messageReceipts.deliveredAt,
      readAt: messageReceipts.readAt,
    })
    .from(messageReceipts)
    .where(inArray(messageReceipts.messageId, messageIds));
}

/** Marks the user's receipts delivered; returns the ones that changed (first delivery only). */
export async function markReceiptsDelivered(db: Executor, userId: string, messageIds: string[], at: Date) {
  if (messageIds.length === 0) return [];
  return db
    .update(messageReceipts)
    .set({ deliveredAt: at })
    .where(
      and(
        eq(messageReceipts.userId, userId),
        inArray(messageReceipts.messageId, messageIds),
        isNull(messageReceipts.deliveredAt),
      ),
    )
    .returning({ messageId: messageReceipts.messageId, conversationId: messageReceipts.conversationId });
}

/** Marks every receipt of the user in the conversation up to `uptoSeq` (all when absent) read, and delivered. */
export async function markReceiptsRead(
  db: Executor,
  userId: string,
  conversationId: string,
  at: Date,
  uptoSeq?: number,
) {
  const upto =
    uptoSeq !== undefined
      ? sql`${messageReceipts.messageId} in (select ${messages.id} from ${messages} where ${messages.conversationId} = ${conversationId} and ${lte(messages.seq, uptoSeq)})`
      : undefined;
  return db
    .update(messageReceipts)
    .set({
      readAt: at,
      deliveredAt: sql`coalesce(${messageReceipts.deliveredAt}, ${at.toISOString()}::timestamptz)`,
    })
    .where(
      and(
        eq(messageReceipts.userId, userId),
        eq(messageReceipts.conversationId, conversationId),
        isNull(messageReceipts.readAt),
        upto,
      ),
    )
    .returning({ messageId: messageReceipts.messageId });
}

/** Undelivered receipts of a user (messages that reached no device yet), for delivery on reconnect. */
export async function undeliveredMessageIds(db: Executor, userId: string, conversationId?: string) {
  const rows = await db
    .select({ messageId: messageReceipts.messageId, conversationId: messageReceipts.conversationId })
    .from(messageReceipts)
    .where(
      and(
        eq(messageReceipts.userId, userId),
        isNull(messageReceipts.deliveredAt),
        conversationId ? eq(messageReceipts.conversationId, conversationId) : undefined,
      ),
    );
  return rows;
}

/** Unread counts of several users in one conversation. */
export async function unreadByUser(db: Executor, conversationId: string, userIds: string[]) {
  if (userIds.length === 0) return new Map<string, number>();
  const rows = await db
    .select({ userId: messageReceipts.userId, count: sql<number>`count(*)::int` })
    .from(messageReceipts)
    .innerJoin(messages, eq(messages.id, messageReceipts.messageId))
    .where(
      and(
        eq(messageReceipts.conversationId, conversationId),
        inArray(messageReceipts.userId, userIds),
        isNull(messageReceipts.readAt),
        isNull(messages.deletedAt),
      ),
    )
    .groupBy(messageReceipts.userId);
  return new Map(rows.map((r) => [r.userId, Number(r.count)]));
}
