import type { Receipt } from './receipt-status';

/** The JSON shapes of the messaging API as the browser sees them. */
export type Participant = { userId: string; name: string; role: string; lastReadAt: string | null };

export type ConversationItem = {
  id: string;
  kind: 'direct' | 'group';
  name: string | null;
  createdBy: string;
  orderId: string | null;
  lastMessageAt: string | null;
  createdAt: string;
  unread: number;
  participants: Participant[];
  lastMessage: { id: string; authorId: string; body: string; createdAt: string; deleted: boolean } | null;
};

export type ChatMessage = {
  id: string;
  seq: number;
  conversationId: string;
  authorId: string;
  authorName: string;
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  receipts: Receipt[];
};

export type TenantUser = { id: string; name: string; role: string };

/** The title of a conversation for one viewer: the group name, or the other person of a direct one. */
export function conversationTitle(
  conversation: Pick<ConversationItem, 'kind' | 'name' | 'participants'>,
  meId: string,
) {
  if (conversation.kind === 'group') return conversation.name ?? '';
  return conversation.participants.find((p) => p.userId !== meId)?.name ?? conversation.name ?? '';
}
