import { listParticipants, setLastRead, touchConversation, unreadCounts } from '../db/queries/conversations';
import { insertDeliveriesAt, markDeliveriesDelivered } from '../db/queries/deliveries';
import {
  getMessage,
  insertMessage,
  insertReceipts,
  listMessages,
  type MessageRow,
  markReceiptsDelivered,
  markReceiptsRead,
  type ReceiptRow,
  receiptsFor,
  softDeleteMessage,
  undeliveredMessageIds,
  unreadByUser,
  updateMessageBody,
} from '../db/queries/messages';
import type { ConversationMessageEvent, MessageView, ReceiptEvent, UnreadEvent } from './contract';
import type { ConversationService } from './conversations';
import { type Caller, conversationChannel, type MessagingDeps, userChannel } from './deps';
import { MAX_MESSAGE_CHARS } from './limits';
import { fail, ok, type Result } from './result';

export type { MessageView, ReceiptView } from './contract';

export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 200;

/** Characters as PostgreSQL counts them (code points), so the service and the table agree. */
export function messageLength(body: string): number {
  return [...body].length;
}

export function checkBody(body: string): Result<string> {
  if (body.trim().length === 0) return fail('VALIDATION', 'A message cannot be empty');
  if (messageLength(body) > MAX_MESSAGE_CHARS) {
    return fail('PAYLOAD_TOO_LARGE', `A message has at most ${MAX_MESSAGE_CHARS} characters`);
  }
  return ok(body);
}

function toView(row: MessageRow, receipts: ReceiptRow[]): MessageView {
  return {
    id: row.id,
    seq: Number(row.seq),
    conversationId: row.conversationId,
    authorId: row.authorId,
    authorName: row.authorName,
    body: row.deletedAt ? '' : row.body,
    createdAt: row.createdAt.toISOString(),
    editedAt: row.editedAt?.toISOString() ?? null,
    deletedAt: row.deletedAt?.toISOString() ?? null,
    receipts: receipts
      .filter((r) => r.messageId === row.id)
      .map((r) => ({
        userId: r.userId,
        deliveredAt: r.deliveredAt?.toISOString() ?? null,
        readAt: r.readAt?.toISOString() ?? null,
      })),
  };
}

export function createMessageService(deps: MessagingDeps, conversations: ConversationService) {
  const { db } = deps;

  async function authored(caller: Caller, id: string): Promise<Result<MessageRow>> {
    const message = await getMessage(db, caller.tenantId, id);
    if (!message) return fail('NOT_FOUND', 'Message not found');
    const member = await conversations.forParticipant(caller, message.conversationId);
    if (!member.ok) return fail('NOT_FOUND', 'Message not found');
    if (message.authorId !== caller.id) return fail('FORBIDDEN', 'Only the author changes a message');
    if (message.deletedAt) return fail('NOT_FOUND', 'Message was deleted');
    return ok(message);
  }

  async function publishReceipt(
    tenantId: string,
    conversationId: string,
    userId: string,
    status: 'delivered' | 'read',
    messageIds: string[],
    at: Date,
  ) {
    if (messageIds.length === 0) return;
    await deps.realtime.publish({
      tenantId,
      channel: conversationChannel(conversationId),
      event: 'receipt',
      data: { conversationId, userId, status, messageIds, at: at.toISOString() } satisfies ReceiptEvent,
    });
  }

  return {
    async send(caller: Caller, conversationId: string, body: string): Promise<Result<MessageView>> {
      const checked = checkBody(body);
      if (!checked.ok) return checked;
      const conversation = await conversations.forParticipant(caller, conversationId);
      if (!conversation.ok) return conversation;
      const participants = await listParticipants(db, [conversationId]);
      const recipients = participants.map((p) => p.userId).filter((id) => id !== caller.id);
      const row = await db.transaction(async (tx) => {
        const inserted = await insertMessage(tx, {
          tenantId: caller.tenantId,
          conversationId,
          authorId: caller.id,
          body,
        });
        await insertReceipts(tx, {
          tenantId: caller.tenantId,
          conversationId,
          messageId: inserted.id,
          userIds: recipients,
        });
        await insertDeliveriesAt(
          tx,
          recipients.map((userId) => ({
            tenantId: caller.tenantId,
            userId,
            kind: 'message',
            refId: inserted.id,
            channel: userChannel(userId),
          })),
          new Date(deps.now()),
        );
        await touchConversation(tx, conversationId, inserted.createdAt);
        await setLastRead(tx, conversationId, caller.id, inserted.createdAt);
        return inserted;
      });
      const message = toView(
        { ...row, seq: Number(row.seq), authorName: caller.name },
        recipients.map((userId) => ({ messageId: row.id, userId, deliveredAt: null, readAt: null })),
      );
      const actor = { id: caller.id, name: caller.name };
      await deps.realtime.publish({
        tenantId: caller.tenantId,
        channel: conversationChannel(conversationId),
        event: 'message.created',
        data: message,
        actor,
      });
      // The sender's own conversation list, in every tab of hers, moves this conversation up with its new message.
      await deps.realtime.publish({
        tenantId: caller.tenantId,
        channel: userChannel(caller.id),
        event: 'conversation.updated',
        data: { conversationId, message, unread: 0 } satisfies ConversationMessageEvent,
        actor,
      });
      const [unread, viewers] = await Promise.all([
        unreadByUser(db, conversationId, recipients),
        deps.realtime.channelViewers(caller.tenantId, conversationChannel(conversationId)),
      ]);
      await Promise.all(
        recipients.map(async (userId) => {
          await deps.realtime.publish({
            tenantId: caller.tenantId,
            channel: userChannel(userId),
            event: 'message.new',
            data: {
              conversationId,
              message,
              unread: unread.get(userId) ?? 0,
            } satisfies ConversationMessageEvent,
            actor,
          });
          if (viewers.includes(userId)) return;
          await deps.notifier.notify(caller.tenantId, userId, 'message', {
            conversationId,
            conversationName: conversation.value.name,
            messageId: message.id,
            from: caller.name,
            preview: body.slice(0, 140),
          });
        }),
      );
      return ok(message);
    },

    async list(
      caller: Caller,
      conversationId: string,
      options: { before?: number; limit?: number },
    ): Promise<Result<{ messages: MessageView[]; nextBefore: number | null }>> {
      const conversation = await conversations.forParticipant(caller, conversationId);
      if (!conversation.ok) return conversation;
      const limit = Math.min(Math.max(options.limit ?? DEFAULT_PAGE, 1), MAX_PAGE);
      const rows = await listMessages(db, conversationId, { before: options.before, limit });
      const receipts = await receiptsFor(
        db,
        rows.map((r) => r.id),
      );
      const first = rows[0];
      return ok({
        messages: rows.map((r) => toView(r, receipts)),
        nextBefore: rows.length === limit && first ? Number(first.seq) : null,
      });
    },

    async edit(caller: Caller, id: string, body: string): Promise<Result<MessageView>> {
      const checked = checkBody(body);
      if (!checked.ok) return checked;
      const found = await authored(caller, id);
      if (!found.ok) return found;
      const at = new Date(deps.now());
      if (!(await updateMessageBody(db, id, body, at))) return fail('NOT_FOUND', 'Message was deleted');
      const message = toView({ ...found.value, body, editedAt: at }, await receiptsFor(db, [id]));
      await deps.realtime.publish({
        tenantId: caller.tenantId,
        channel: conversationChannel(message.conversationId),
        event: 'message.updated',
        data: message,
        actor: { id: caller.id, name: caller.name },
      });
      return ok(message);
    },

    async remove(caller: Caller, id: string): Promise<Result<MessageView>> {
      const found = await authored(caller, id);
      if (!found.ok) return found;
      const at = new Date(deps.now());
      if (!(await softDeleteMessage(db, id, at))) return fail('NOT_FOUND', 'Message was deleted');
      const message = toView({ ...found.value, body: '', deletedAt: at }, await receiptsFor(db, [id]));
      await deps.realtime.publish({
        tenantId: caller.tenantId,
        channel: conversationChannel(message.conversationId),
        event: 'message.deleted',
        data: message,
        actor: { id: caller.id, name: caller.name },
      });
      return ok(message);
    },

    /** The caller saw the conversation (up to a message seq, or all of it). */
    async markRead(
      caller: Caller,
      conversationId: string,
      uptoSeq?: number,
    ): Promise<Result<{ messageIds: string[]; unread: number }>> {
      const conversation = await conversations.forParticipant(caller, conversationId);
      if (!conversation.ok) return conversation;
      const at = new Date(deps.now());
      const changed = await markReceiptsRead(db, caller.id, conversationId, at, uptoSeq);
      await setLastRead(db, conversationId, caller.id, at);
      const messageIds = changed.map((c) => c.messageId);
      await markDeliveriesDelivered(db, caller.id, 'message', messageIds, at);
      await publishReceipt(caller.tenantId, conversationId, caller.id, 'read', messageIds, at);
      const unread = (await unreadCounts(db, caller.id, [conversationId])).get(conversationId) ?? 0;
      await deps.realtime.publish({
        tenantId: caller.tenantId,
        channel: userChannel(caller.id),
        event: 'unread',
        data: { conversationId, unread } satisfies UnreadEvent,
      });
      return ok({ messageIds, unread });
    },

    /** A device of the caller received these messages (all undelivered ones when no ids are given). */
    async markDelivered(caller: Caller, messageIds?: string[]): Promise<Result<{ messageIds: string[] }>> {
      const ids = messageIds ?? (await undeliveredMessageIds(db, caller.id)).map((r) => r.messageId);
      const at = new Date(deps.now());
      const changed = await markReceiptsDelivered(db, caller.id, ids, at);
      await markDeliveriesDelivered(
        db,
        caller.id,
        'message',
        changed.map((c) => c.messageId),
        at,
      );
      const byConversation = new Map<string, string[]>();
      for (const row of changed) {
        byConversation.set(row.conversationId, [
          ...(byConversation.get(row.conversationId) ?? []),
          row.messageId,
        ]);
      }
      for (const [conversationId, list] of byConversation) {
        await publishReceipt(caller.tenantId, conversationId, caller.id, 'delivered', list, at);
      }
      return ok({ messageIds: changed.map((c) => c.messageId) });
    },
  };
}

export type MessageService = ReturnType<typeof createMessageService>;
