import type { ConversationItem, MessageView, ParticipantView } from '@/lib/messaging/contract';

/** The JSON shapes of the messaging API as the browser sees them: the contract's (lib/messaging/contract.ts). */
export type { ConversationItem };
export type Participant = ParticipantView;
export type ChatMessage = MessageView;

export type TenantUser = { id: string; name: string; role: string };

/** The title of a conversation for one viewer: the group name, or the other person of a direct one. */
export function conversationTitle(
  conversation: Pick<ConversationItem, 'kind' | 'name' | 'participants'>,
  meId: string,
) {
  if (conversation.kind === 'group') return conversation.name ?? '';
  return conversation.participants.find((p) => p.userId !== meId)?.name ?? conversation.name ?? '';
}
