import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../create-db';
import {
  type ConversationKind,
  conversationParticipants,
  conversations,
  messageReceipts,
  messages,
  orders,
  users,
} from '../schema';

export type ConversationRow = typeof conversations.$inferSelect;

export type ParticipantRow = {
  userId: string;
  name: string;
  role: 'admin' | 'sales' | 'viewer';
  lastReadAt: Date | null;
};

export type ConversationSummary = ConversationRow & {
  unread: number;
  participants: ParticipantRow[];
  lastMessage: { id: string; authorId: string; body: string; createdAt: Date; deleted: boolean } | null;
};

export function directKeyOf(a: string, b: string): string {
  return [a, b].sort().join(':');
}

export async function getConversation(db: Executor, tenantId: string, id: string) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.id, id)))
    .limit(1);
  return row ?? null;
}

export async function findDirectConversation(db: Executor, tenantId: string, directKey: string) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.directKey, directKey)))
    .limit(1);
  return row ?? null;
}

export async function findOrderConversation(db: Executor, tenantId: string, orderId: string) {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.orderId, orderId)))
    .limit(1);
  return row ?? null;
}

export async function insertConversation(
  db: Executor,
  input: {
    tenantId: string;
    kind: ConversationKind;
    name: string | null;
    createdBy: string;
    orderId?: string | null;
    directKey?: string | null;
  },
) {
  const [row] = await db
    .insert(conversations)
    .values({
      tenantId: input.tenantId,
      kind: input.kind,
      name: input.name,
      createdBy: input.createdBy,
      orderId: input.orderId ?? null,
      directKey: input.directKey ?? null,
    })
    .onConflictDoNothing()
    .returning();
  return row ?? null;
}

export async function renameConversation(db: Executor, tenantId: string, id: string, name: string) {
  await db
    .update(conversations)
    .set({ name })
    .where(and(eq(conversations.tenantId, tenantId), eq(conversations.id, id)));
}

export async function touchConversation(db: Executor, id: string, at: Date) {
  await db.update(conversations).set({ lastMessageAt: at }).where(eq(conversations.id, id));
}

export async function addParticipants(
  db: Executor,
  tenantId: string,
  conversationId: string,
  userIds: string[],
) {
  if (userIds.length === 0) return [];
  return db
    .insert(conversationParticipants)
    .values(userIds.map((userId) => ({ tenantId, conversationId, userId })))
    .onConflictDoNothing()
    .returning({ userId: conversationParticipants.userId });
}

export async function removeParticipant(db: Executor, conversationId: string, userId: string) {
  const rows = await db
    .delete(conversationParticipants)
    .where(
      and(
        eq(conversationParticipants.conversationId, conversationId),
        eq(conversationParticipants.userId, userId),
      ),
    )
    .returning({ userId: conversationParticipants.userId });
  return rows.length > 0;
}

export async function isParticipant(db: Executor, conversationId: string, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: conversationParticipants.userId })
    .from(conversationParticipants)
    .where(
      and(
        eq(conversationParticipants.conversationId, conversationId),
        eq(conversationParticipants.userId, userId),
      ),
    )
    .limit(1);
  return Boolean(row);
}

export async function listParticipants(db: Executor, conversationIds: string[]) {
  if (conversationIds.length === 0) return [];
  return db
    .select({
      conversationId: conversationParticipants.conversationId,
      userId: conversationParticipants.userId,
      name: users.name,
      role: users.role,
      lastReadAt: conversationParticipants.lastReadAt,
    })
    .from(conversationParticipants)
    .innerJoin(users, eq(users.id, conversationParticipants.userId))
    .where(inArray(conversationParticipants.conversationId, conversationIds))
    .orderBy(asc(users.name));
}

export async function setLastRead(db: Executor, conversationId: string, userId: string, at: Date) {
  await db
    .update(conversationParticipants)
    .set({ lastReadAt: at })
    .where(
      and(
        eq(conversationParticipants.conversationId, conversationId),
        eq(conversationParticipants.userId, userId),
      ),
    );
}

/** The conversations a user takes part in, newest activity first, with unread counts and the last message. */
export async function listConversationsForUser(
  db: Executor,
  tenantId: string,
  userId: string,
): Promise<ConversationSummary[]> {
  const rows = await db
    .select({ conversation: conversations })
    .from(conversations)
    .innerJoin(
      conversationParticipants,
      and(
        eq(conversationParticipants.conversationId, conversations.id),
        eq(conversationParticipants.userId, userId),
      ),
    )
    .where(eq(conversations.tenantId, tenantId))
    .orderBy(
      desc(sql`coalesce(${conversations.lastMessageAt}, ${conversations.createdAt})`),
      desc(conversations.id),
    );
  const ids = rows.map((r) => r.conversation.id);
  if (ids.length === 0) return [];
  const [participants, unread, last] = await Promise.all([
    listParticipants(db, ids),
    unreadCounts(db, userId, ids),
    db
      .selectDistinctOn([messages.conversationId], {
        conversationId: messages.conversationId,
        id: messages.id,
        authorId: messages.authorId,
        body: messages.body,
        createdAt: messages.createdAt,
        deletedAt: messages.deletedAt,
      })
      .from(messages)
      .where(inArray(messages.conversationId, ids))
      .orderBy(messages.conversationId, desc(messages.seq)),
  ]);
  return rows.map(({ conversation }) => {
    const lastRow = last.find((m) => m.conversationId === conversation.id);
    return {
      ...conversation,
      unread: unread.get(conversation.id) ?? 0,
      participants: participants
        .filter((p) => p.conversationId === conversation.id)
        .map(({ userId: id, name, role, lastReadAt }) => ({ userId: id, name, role, lastReadAt })),
      lastMessage: lastRow
        ? {
            id: lastRow.id,
            authorId: lastRow.authorId,
            body: lastRow.deletedAt ? '' : lastRow.body,
            createdAt: lastRow.createdAt,
            deleted: lastRow.deletedAt !== null,
          }
        : null,
    };
  });
}

/** Unread = a receipt of mine not yet read, on a message that was not deleted. */
export async function unreadCounts(db: Executor, userId: string, conversationIds?: string[]) {
  const rows = await db
    .select({ conversationId: messageReceipts.conversationId, count: sql<number>`count(*)::int` })
    .from(messageReceipts)
    .innerJoin(messages, eq(messages.id, messageReceipts.messageId))
    .where(
      and(
        eq(messageReceipts.userId, userId),
        isNull(messageReceipts.readAt),
        isNull(messages.deletedAt),
        conversationIds ? inArray(messageReceipts.conversationId, conversationIds) : undefined,
      ),
    )
    .groupBy(messageReceipts.conversationId);
  return new Map(rows.map((r) => [r.conversationId, Number(r.count)]));
}

/** Those of the given ids that are users of the tenant. */
export async function tenantUserIds(db: Executor, tenantId: string, ids: string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(and(eq(users.tenantId, tenantId), inArray(users.id, ids)));
  return rows;
}

export async function findTenantOrder(db: Executor, tenantId: string, orderId: string) {
  const [row] = await db
    .select({ id: orders.id, number: orders.number, createdBy: orders.createdBy })
    .from(orders)
    .where(and(eq(orders.tenantId, tenantId), eq(orders.id, orderId)))
    .limit(1);
  return row ?? null;
}
