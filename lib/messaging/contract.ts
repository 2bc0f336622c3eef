import { z } from 'zod';
import { presencePatch } from '../realtime/protocol/messages';

/**
 * The messaging contract (browser-safe: zod only): what the REST API answers and what `conversation:{id}` and
 * `user:{id}` carry. The services publish these types and the browser parses them where they enter
 * (lib/wire/edge.ts), so a payload change fails to compile on the server or fails a test in the browser.
 */
const isoTime = z.string();

export const receiptView = z.object({
  userId: z.string(),
  deliveredAt: isoTime.nullable(),
  readAt: isoTime.nullable(),
});
export type ReceiptView = z.infer<typeof receiptView>;

export const messageView = z.object({
  id: z.string(),
  seq: z.number().int(),
  conversationId: z.string(),
  authorId: z.string(),
  authorName: z.string(),
  body: z.string(),
  createdAt: isoTime,
  editedAt: isoTime.nullable(),
  deletedAt: isoTime.nullable(),
  /** One per recipient (everyone but the author). */
  receipts: z.array(receiptView),
});
export type MessageView = z.infer<typeof messageView>;

export const participantView = z.object({
  userId: z.string(),
  name: z.string(),
  role: z.string(),
  lastReadAt: isoTime.nullable(),
});
export type ParticipantView = z.infer<typeof participantView>;

export const conversationItem = z.object({
  id: z.string(),
  kind: z.enum(['direct', 'group']),
  name: z.string().nullable(),
  createdBy: z.string(),
  orderId: z.string().nullable(),
  lastMessageAt: isoTime.nullable(),
  createdAt: isoTime,
  /** Absent on a single conversation's answer (create, members): only the list counts unread messages. */
  unread: z.number().int().nonnegative().default(0),
  participants: z.array(participantView),
  lastMessage: z
    .object({
      id: z.string(),
      authorId: z.string(),
      body: z.string(),
      createdAt: isoTime,
      deleted: z.boolean(),
    })
    .nullable()
    .default(null),
});
export type ConversationItem = z.infer<typeof conversationItem>;

// ---- events on `conversation:{id}` --------------------------------------------------------------------------------

/** `receipt`: one user's devices received (`delivered`) or read these messages. */
export const receiptEvent = z.object({
  conversationId: z.string(),
  userId: z.string(),
  status: z.enum(['delivered', 'read']),
  messageIds: z.array(z.string()),
  at: isoTime,
});
export type ReceiptEvent = z.infer<typeof receiptEvent>;

/** `typing`: someone started or stopped typing (the server also says "stopped" when a typist went silent). */
export const typingEvent = z.object({
  conversationId: z.string(),
  userId: z.string(),
  name: z.string(),
  typing: z.boolean(),
  /** How long the server keeps a typist without a refresh; the others show them at least that long. */
  ttlMs: z.number().int().positive().optional(),
});
export type TypingEvent = z.infer<typeof typingEvent>;

/** `members.changed` on a group conversation. */
export const membersChangedEvent = z.object({
  conversationId: z.string(),
  name: z.string().nullable(),
  participants: z.array(participantView),
});
export type MembersChangedEvent = z.infer<typeof membersChangedEvent>;

// ---- events on `user:{id}` ----------------------------------------------------------------------------------------

/** `message.new` (to each recipient) and `conversation.updated` (to the sender's own tabs). */
export const conversationMessageEvent = z.object({
  conversationId: z.string(),
  message: messageView,
  unread: z.number().int().nonnegative(),
});
export type ConversationMessageEvent = z.infer<typeof conversationMessageEvent>;

/** `message.new` from the delivery sweeper: a message that reached none of the user's devices yet. */
export const redeliveredMessageEvent = z.object({
  conversationId: z.string(),
  message: z.object({ id: z.string() }).loose(),
});

/** `unread`: the user's unread count of one conversation changed (read on another device). */
export const unreadEvent = z.object({ conversationId: z.string(), unread: z.number().int().nonnegative() });
export type UnreadEvent = z.infer<typeof unreadEvent>;

/** `conversation.joined` / `conversation.left`. */
export const membershipEvent = z.object({ conversationId: z.string() });
export type MembershipEvent = z.infer<typeof membershipEvent>;

/** `presence.requested`: a presence change asked for through the REST API, applied by the user's tabs. */
export const presenceRequestedEvent = presencePatch;

/** `user:{id}` events that move a conversation list (its order, last message or unread count). */
export const conversationListEvents = [
  'message.new',
  'conversation.updated',
  'conversation.joined',
  'conversation.left',
] as const;

// ---- REST answers -------------------------------------------------------------------------------------------------

export const conversationsAnswer = z.object({ conversations: z.array(conversationItem) });
export const conversationAnswer = z.object({ conversation: conversationItem });
export const messagesAnswer = z.object({ messages: z.array(messageView), nextBefore: z.number().nullable() });
export const messageAnswer = z.object({ message: messageView });
export const readAnswer = z.object({ unread: z.number().int().nonnegative() }).loose();
export const deliveredAnswer = z.object({ messageIds: z.array(z.string()) });
export const typingAnswer = z.object({ typing: z.boolean() }).loose();
export const typistsAnswer = z.object({
  typists: z.array(z.object({ userId: z.string(), name: z.string() }).loose()),
});
export const announcementAnswer = z.object({ recipients: z.number().int().nonnegative() });
