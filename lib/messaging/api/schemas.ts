import { z } from 'zod';

/** Request bodies of the messaging and realtime REST API, validated where they enter. */
export const uuid = z.uuid();

export const createConversationBody = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct'), userId: z.uuid() }),
  z.object({
    kind: z.literal('group'),
    name: z.string().max(200),
    memberIds: z.array(z.uuid()).max(100),
    orderId: z.uuid().optional(),
  }),
  z.object({ kind: z.literal('order'), orderId: z.uuid() }),
]);

export const renameBody = z.object({ name: z.string().max(200) });
export const membersBody = z.object({ userIds: z.array(z.uuid()).min(1).max(100) });
/** The length limit is the service's (413 PAYLOAD_TOO_LARGE), not a validation error. */
export const messageBody = z.object({ body: z.string() });
export const readBody = z.object({ uptoSeq: z.number().int().positive().optional() });
export const deliveredBody = z.object({ messageIds: z.array(z.uuid()).max(500).optional() });
export const typingBody = z.object({ conversationId: z.uuid(), typing: z.boolean() });
export const announcementBody = z.object({ text: z.string() });
export const subscriptionBody = z.object({
  connectionId: z.string().min(1).max(64),
  channel: z.string().min(1).max(100),
});
export const notificationsReadBody = z.object({ ids: z.array(z.uuid()).max(500).optional() });

export const pageQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});
