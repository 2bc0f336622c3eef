import { mergeReceipts } from './receipt-status';
import type { ChatMessage } from './types';

const changedAt = (m: ChatMessage) => m.deletedAt ?? m.editedAt ?? m.createdAt;

/** One message seen twice (REST answer, live event, refetch): the later content wins, receipts never go back. */
export function mergeMessage(existing: ChatMessage, incoming: ChatMessage): ChatMessage {
  const newer = existing.deletedAt
    ? existing
    : changedAt(incoming) >= changedAt(existing)
      ? incoming
      : existing;
  return { ...newer, receipts: mergeReceipts(existing.receipts, incoming.receipts) };
}

/** Adds or merges a message into a list kept in seq order. */
export function upsertMessage(list: readonly ChatMessage[], message: ChatMessage): ChatMessage[] {
  const existing = list.find((m) => m.id === message.id);
  const merged = existing ? mergeMessage(existing, message) : message;
  return [...list.filter((m) => m.id !== message.id), merged].sort((a, b) => a.seq - b.seq);
}
