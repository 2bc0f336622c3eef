import type { ErrorCode } from '@/lib/realtime/protocol/codes';
import type { ChatMessage, ConversationItem } from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK',
    message: string,
  ) {
    super(message);
  }
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', (error as Error).message);
  }
  const json = (await response.json().catch(() => null)) as
    | (T & { error?: { code: ErrorCode; message: string } })
    | null;
  if (!response.ok) {
    throw new ApiError(
      response.status,
      json?.error?.code ?? 'INTERNAL',
      json?.error?.message ?? response.statusText,
    );
  }
  return json as T;
}

/** The browser's calls to the messaging REST API (same-origin, session cookie). */
export const messagingApi = {
  conversations: () => request<{ conversations: ConversationItem[] }>('GET', '/api/conversations'),
  createDirect: (userId: string) =>
    request<{ conversation: ConversationItem }>('POST', '/api/conversations', { kind: 'direct', userId }),
  createGroup: (name: string, memberIds: string[]) =>
    request<{ conversation: ConversationItem }>('POST', '/api/conversations', {
      kind: 'group',
      name,
      memberIds,
    }),
  openOrder: (orderId: string) =>
    request<{ conversation: ConversationItem }>('POST', '/api/conversations', { kind: 'order', orderId }),
  messages: (id: string, before?: number) =>
    request<{ messages: ChatMessage[]; nextBefore: number | null }>(
      'GET',
      `/api/conversations/${id}/messages${before ? `?before=${before}` : ''}`,
    ),
  send: (id: string, body: string) =>
    request<{ message: ChatMessage }>('POST', `/api/conversations/${id}/messages`, { body }),
  edit: (id: string, messageId: string, body: string) =>
    request<{ message: ChatMessage }>('PATCH', `/api/conversations/${id}/messages/${messageId}`, { body }),
  remove: (id: string, messageId: string) =>
    request<{ message: ChatMessage }>('DELETE', `/api/conversations/${id}/messages/${messageId}`),
  read: (id: string) => request<{ unread: number }>('POST', `/api/conversations/${id}/read`, {}),
  delivered: (messageIds?: string[]) =>
    request<{ messageIds: string[] }>(
      'POST',
      '/api/conversations/delivered',
      messageIds ? { messageIds } : {},
    ),
  typing: (conversationId: string, typing: boolean) =>
    request<{ typing: boolean }>('POST', '/api/realtime/typing', { conversationId, typing }),
  typists: (conversationId: string) =>
    request<{ typists: { userId: string; name: string }[] }>(
      'GET',
      `/api/realtime/conversations/${conversationId}/typing`,
    ),
  addMembers: (id: string, userIds: string[]) =>
    request<{ conversation: ConversationItem }>('POST', `/api/conversations/${id}/members`, { userIds }),
  removeMember: (id: string, userId: string) =>
    request<{ conversation: ConversationItem }>('DELETE', `/api/conversations/${id}/members/${userId}`),
  announce: (text: string) =>
    request<{ recipients: number }>('POST', '/api/realtime/announcements', { text }),
};
