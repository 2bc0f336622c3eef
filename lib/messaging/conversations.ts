import {
  addParticipants,
  type ConversationRow,
  type ConversationSummary,
  directKeyOf,
  findDirectConversation,
  findOrderConversation,
  findTenantOrder,
  getConversation,
  insertConversation,
  isParticipant,
  listConversationsForUser,
  listParticipants,
  removeParticipant,
  renameConversation,
  tenantUserIds,
} from '../db/queries/conversations';
import type { MembersChangedEvent, MembershipEvent } from './contract';
import { type Caller, conversationChannel, type MessagingDeps, userChannel } from './deps';
import { fail, ok, type Result } from './result';

export type ConversationView = ConversationRow & {
  participants: { userId: string; name: string; role: string; lastReadAt: Date | null }[];
};

const MAX_GROUP_NAME = 100;
const MAX_MEMBERS = 100;

export function createConversationService(deps: MessagingDeps) {
  const { db } = deps;

  async function view(conversation: ConversationRow): Promise<ConversationView> {
    const participants = await listParticipants(db, [conversation.id]);
    return {
      ...conversation,
      participants: participants.map(({ userId, name, role, lastReadAt }) => ({
        userId,
        name,
        role,
        lastReadAt,
      })),
    };
  }

  async function announce(conversation: ConversationView, userIds: string[]) {
    await Promise.all(
      userIds.map((userId) =>
        deps.realtime.publish({
          tenantId: conversation.tenantId,
          channel: userChannel(userId),
          event: 'conversation.joined',
          data: { conversationId: conversation.id } satisfies MembershipEvent,
        }),
      ),
    );
  }

  /** A participant sees the conversation; anyone else gets NOT_FOUND (no hint that it exists). */
  async function forParticipant(caller: Caller, id: string): Promise<Result<ConversationRow>> {
    const conversation = await getConversation(db, caller.tenantId, id);
    if (!conversation || !(await isParticipant(db, id, caller.id))) {
      return fail('NOT_FOUND', 'Conversation not found');
    }
    return ok(conversation);
  }

  async function canManage(caller: Caller, id: string): Promise<Result<ConversationRow>> {
    const conversation = await getConversation(db, caller.tenantId, id);
    if (!conversation) return fail('NOT_FOUND', 'Conversation not found');
    const member = await isParticipant(db, id, caller.id);
    if (!member && caller.role !== 'admin') return fail('NOT_FOUND', 'Conversation not found');
    if (conversation.kind !== 'group') return fail('VALIDATION', 'Direct conversations have fixed members');
    if (conversation.createdBy !== caller.id && caller.role !== 'admin') {
      return fail('FORBIDDEN', 'Only the creator or an admin manages members');
    }
    return ok(conversation);
  }

  async function publishMembers(conversation: ConversationRow) {
    const current = await view(conversation);
    await deps.realtime.publish({
      tenantId: conversation.tenantId,
      channel: conversationChannel(conversation.id),
      event: 'members.changed',
      data: {
        conversationId: conversation.id,
        participants: current.participants.map((p) => ({
          ...p,
          lastReadAt: p.lastReadAt?.toISOString() ?? null,
        })),
        name: current.name,
      } satisfies MembersChangedEvent,
    });
    return current;
  }

  return {
    forParticipant,

    async list(caller: Caller): Promise<ConversationSummary[]> {
      return listConversationsForUser(db, caller.tenantId, caller.id);
    },

    async get(caller: Caller, id: string): Promise<Result<ConversationView>> {
      const found = await forParticipant(caller, id);
      return found.ok ? ok(await view(found.value)) : found;
    },

    async createDirect(caller: Caller, otherUserId: string): Promise<Result<ConversationView>> {
      if (otherUserId === caller.id) return fail('VALIDATION', 'A direct conversation needs another person');
      const [other] = await tenantUserIds(db, caller.tenantId, [otherUserId]);
      if (!other) return fail('NOT_FOUND', 'User not found');
      const directKey = directKeyOf(caller.id, otherUserId);
      const existing = await findDirectConversation(db, caller.tenantId, directKey);
      if (existing) return ok(await view(existing));
      const created = await db.transaction(async (tx) => {
        const row = await insertConversation(tx, {
          tenantId: caller.tenantId,
          kind: 'direct',
          name: null,
          createdBy: caller.id,
          directKey,
        });
        if (row) await addParticipants(tx, caller.tenantId, row.id, [caller.id, otherUserId]);
        return row;
      });
      // Lost a race with the other person opening the same pair: theirs is the conversation.
      const conversation = created ?? (await findDirectConversation(db, caller.tenantId, directKey));
      if (!conversation) return fail('INTERNAL', 'Conversation could not be created');
      const result = await view(conversation);
      if (created) await announce(result, [otherUserId]);
      return ok(result);
    },

    async createGroup(
      caller: Caller,
      input: { name: string; memberIds: string[]; orderId?: string },
    ): Promise<Result<ConversationView>> {
      const name = input.name.trim();
      if (name.length === 0 || name.length > MAX_GROUP_NAME) {
        return fail('VALIDATION', `A group name has 1 to ${MAX_GROUP_NAME} characters`);
      }
      const wanted = [...new Set([caller.id, ...input.memberIds])];
      if (wanted.length > MAX_MEMBERS) return fail('VALIDATION', `At most ${MAX_MEMBERS} members`);
      const found = await tenantUserIds(db, caller.tenantId, wanted);
      if (found.length !== wanted.length) return fail('NOT_FOUND', 'User not found');
      if (input.orderId && !(await findTenantOrder(db, caller.tenantId, input.orderId))) {
        return fail('NOT_FOUND', 'Order not found');
      }
      const conversation = await db.transaction(async (tx) => {
        const row = await insertConversation(tx, {
          tenantId: caller.tenantId,
          kind: 'group',
          name,
          createdBy: caller.id,
          orderId: input.orderId ?? null,
        });
        if (row) await addParticipants(tx, caller.tenantId, row.id, wanted);
        return row;
      });
      if (!conversation) return fail('CONFLICT', 'The order already has a conversation');
      const result = await view(conversation);
      await announce(
        result,
        wanted.filter((id) => id !== caller.id),
      );
      return ok(result);
    },

    /** Opens the order's conversation, creating it (named after the order) or joining it on first use. */
    async openForOrder(caller: Caller, orderId: string): Promise<Result<ConversationView>> {
      const order = await findTenantOrder(db, caller.tenantId, orderId);
      if (!order) return fail('NOT_FOUND', 'Order not found');
      let conversation = await findOrderConversation(db, caller.tenantId, orderId);
      if (!conversation) {
        const members = [...new Set([caller.id, ...(order.createdBy ? [order.createdBy] : [])])];
        conversation = await db.transaction(async (tx) => {
          const row = await insertConversation(tx, {
            tenantId: caller.tenantId,
            kind: 'group',
            name: `Order ${order.number}`,
            createdBy: caller.id,
            orderId,
          });
          if (row) await addParticipants(tx, caller.tenantId, row.id, members);
          return row;
        });
        conversation ??= await findOrderConversation(db, caller.tenantId, orderId);
        if (!conversation) return fail('INTERNAL', 'Conversation could not be created');
      }
      const added = await addParticipants(db, caller.tenantId, conversation.id, [caller.id]);
      if (added.length > 0) await publishMembers(conversation);
      return ok(await view(conversation));
    },

    async addMembers(caller: Caller, id: string, userIds: string[]): Promise<Result<ConversationView>> {
      const managed = await canManage(caller, id);
      if (!managed.ok) return managed;
      const unique = [...new Set(userIds)];
      const found = await tenantUserIds(db, caller.tenantId, unique);
      if (found.length !== unique.length) return fail('NOT_FOUND', 'User not found');
      const added = await addParticipants(db, caller.tenantId, id, unique);
      const result = await publishMembers(managed.value);
      await announce(
        result,
        added.map((a) => a.userId),
      );
      return ok(result);
    },

    /** The creator or an admin removes anyone; everyone may leave a group themselves. */
    async removeMember(caller: Caller, id: string, userId: string): Promise<Result<ConversationView>> {
      if (userId === caller.id) {
        const own = await forParticipant(caller, id);
        if (!own.ok) return own;
        if (own.value.kind !== 'group') return fail('VALIDATION', 'Direct conversations have fixed members');
        await removeParticipant(db, id, userId);
        await deps.realtime.refreshAccess(caller.tenantId, userId);
        return ok(await publishMembers(own.value));
      }
      const managed = await canManage(caller, id);
      if (!managed.ok) return managed;
      if (!(await removeParticipant(db, id, userId))) return fail('NOT_FOUND', 'Not a member');
      await deps.realtime.refreshAccess(caller.tenantId, userId);
      await deps.realtime.publish({
        tenantId: caller.tenantId,
        channel: userChannel(userId),
        event: 'conversation.left',
        data: { conversationId: id } satisfies MembershipEvent,
      });
      return ok(await publishMembers(managed.value));
    },

    async rename(caller: Caller, id: string, name: string): Promise<Result<ConversationView>> {
      const trimmed = name.trim();
      if (trimmed.length === 0 || trimmed.length > MAX_GROUP_NAME) {
        return fail('VALIDATION', `A group name has 1 to ${MAX_GROUP_NAME} characters`);
      }
      const managed = await canManage(caller, id);
      if (!managed.ok) return managed;
      await renameConversation(db, caller.tenantId, id, trimmed);
      return ok(await publishMembers({ ...managed.value, name: trimmed }));
    },
  };
}

export type ConversationService = ReturnType<typeof createConversationService>;
