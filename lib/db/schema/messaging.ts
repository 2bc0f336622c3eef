import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { MAX_MESSAGE_CHARS } from '../../messaging/limits';
import { orders, tenants, users } from './core';

export { MAX_MESSAGE_CHARS };

export const conversationKindEnum = pgEnum('conversation_kind', ['direct', 'group']);
export const deliveryStatusEnum = pgEnum('delivery_status', ['pending', 'delivered', 'failed']);

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    kind: conversationKindEnum('kind').notNull(),
    /** Groups have a name; direct conversations are named after the other person. */
    name: text('name'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orderId: uuid('order_id').references(() => orders.id, { onDelete: 'set null' }),
    /** The two user ids of a direct conversation, sorted and joined: one direct conversation per pair. */
    directKey: text('direct_key'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('conversations_direct_key_idx').on(t.tenantId, t.directKey),
    uniqueIndex('conversations_order_idx').on(t.tenantId, t.orderId).where(sql`${t.orderId} IS NOT NULL`),
    index('conversations_tenant_idx').on(t.tenantId, t.lastMessageAt),
  ],
);

export const conversationParticipants = pgTable(
  'conversation_participants',
  {
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    joinedAt: timestamp('joined_at', { withTimezone: true }).notNull().defaultNow(),
    lastReadAt: timestamp('last_read_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.conversationId, t.userId] }),
    index('conversation_participants_user_idx').on(t.userId),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Arrival order across the table: the pagination cursor (timestamps can tie). */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp('edited_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('messages_seq_idx').on(t.seq),
    index('messages_conversation_idx').on(t.conversationId, t.seq),
    check('messages_body_length', sql`char_length(${t.body}) <= 5000`),
  ],
);

/** One row per message and recipient (never the author): sent = the row exists. */
export const messageReceipts = pgTable(
  'message_receipts',
  {
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.messageId, t.userId] }),
    index('message_receipts_unread_idx').on(t.userId, t.conversationId).where(sql`${t.readAt} IS NULL`),
  ],
);

/** Every message or event that must reach a user, with its delivery status, for the admins' audit. */
export const deliveryRecords = pgTable(
  'delivery_records',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: uuid('tenant_id')
      .notNull()
      .references(() => tenants.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** What was delivered: 'message', 'notification', 'announcement', … */
    kind: text('kind').notNull(),
    /** The message or event id. */
    refId: text('ref_id').notNull(),
    channel: text('channel').notNull(),
    status: deliveryStatusEnum('status').notNull().default('pending'),
    retryCount: integer('retry_count').notNull().default(0),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('delivery_records_ref_idx').on(t.kind, t.refId, t.userId),
    index('delivery_records_status_idx').on(t.tenantId, t.status),
    index('delivery_records_created_idx').on(t.createdAt),
  ],
);

export type Conversation = typeof conversations.$inferSelect;
export type ConversationKind = (typeof conversationKindEnum.enumValues)[number];
export type ConversationParticipant = typeof conversationParticipants.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type MessageReceipt = typeof messageReceipts.$inferSelect;
export type DeliveryRecord = typeof deliveryRecords.$inferSelect;
export type DeliveryStatus = (typeof deliveryStatusEnum.enumValues)[number];
