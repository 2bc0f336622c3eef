import type { PresenceStatus } from '@/lib/realtime/protocol/messages';

export type IncomingNotification = { kind: string; payload: Record<string, unknown>; silent: boolean };

/**
 * A notification pops up unless the server marked it silent, I am busy, or it is already on screen: the thread I am
 * reading, or the conversation list (its unread count says it) on the Messages page.
 */
export function shouldToast(
  note: IncomingNotification,
  myStatus: PresenceStatus,
  openConversationId: string | null | undefined,
  conversationListShown = false,
): boolean {
  if (note.silent || myStatus === 'busy') return false;
  if (note.kind === 'message' && openConversationId && note.payload.conversationId === openConversationId)
    return false;
  if (note.kind === 'message' && conversationListShown) return false;
  return note.kind === 'message' || note.kind === 'announcement';
}
