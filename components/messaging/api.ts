import { z } from 'zod';
import {
  announcementAnswer,
  conversationAnswer,
  conversationsAnswer,
  deliveredAnswer,
  messageAnswer,
  messagesAnswer,
  readAnswer,
  typingAnswer,
  typistsAnswer,
} from '@/lib/messaging/contract';
import { type ErrorCode, errorCodeList } from '@/lib/realtime/protocol/codes';
import { parseAnswer } from '@/lib/wire/edge';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK',
    message: string,
  ) {
    super(message);
  }
}

/** The one error shape of the HTTP edge; a code this browser does not know reads as INTERNAL. */
const errorAnswer = z.object({
  error: z.object({ code: z.enum(errorCodeList).catch('INTERNAL'), message: z.string() }),
});

async function request<S extends z.ZodType>(
  schema: S,
  method: string,
  url: string,
  body?: unknown,
): Promise<z.output<S>> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', error instanceof Error ? error.message : String(error));
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const failure = errorAnswer.safeParse(json);
    throw new ApiError(
      response.status,
      failure.success ? failure.data.error.code : 'INTERNAL',
      failure.success ? failure.data.error.message : response.statusText,
    );
  }
  return parseAnswer('messaging.answer', schema, json);
}

/** The browser's calls to the messaging REST API (same-origin, session cookie), each answer parsed at the edge. */
export const messagingApi = {
  conversations: () => request(conversationsAnswer, 'GET', '/api/conversations'),
  createDirect: (userId: string) =>
    request(conversationAnswer, 'POST', '/api/conversations', { kind: 'direct', userId }),
  createGroup: (name: string, memberIds: string[]) =>
    request(conversationAnswer, 'POST', '/api/conversations', { kind: 'group', name, memberIds }),
  openOrder: (orderId: string) =>
    request(conversationAnswer, 'POST', '/api/conversations', { kind: 'order', orderId }),
  messages: (id: string, before?: number) =>
    request(messagesAnswer, 'GET', `/api/conversations/${id}/messages${before ? `?before=${before}` : ''}`),
  send: (id: string, body: string) =>
    request(messageAnswer, 'POST', `/api/conversations/${id}/messages`, { body }),
  edit: (id: string, messageId: string, body: string) =>
    request(messageAnswer, 'PATCH', `/api/conversations/${id}/messages/${messageId}`, { body }),
  remove: (id: string, messageId: string) =>
    request(messageAnswer, 'DELETE', `/api/conversations/${id}/messages/${messageId}`),
  read: (id: string) => request(readAnswer, 'POST', `/api/conversations/${id}/read`, {}),
  delivered: (messageIds?: string[]) =>
    request(deliveredAnswer, 'POST', '/api/conversations/delivered', messageIds ? { messageIds } : {}),
  typing: (conversationId: string, typing: boolean) =>
    request(typingAnswer, 'POST', '/api/realtime/typing', { conversationId, typing }),
  typists: (conversationId: string) =>
    request(typistsAnswer, 'GET', `/api/realtime/conversations/${conversationId}/typing`),
  addMembers: (id: string, userIds: string[]) =>
    request(conversationAnswer, 'POST', `/api/conversations/${id}/members`, { userIds }),
  removeMember: (id: string, userId: string) =>
    request(conversationAnswer, 'DELETE', `/api/conversations/${id}/members/${userId}`),
  announce: (text: string) => request(announcementAnswer, 'POST', '/api/realtime/announcements', { text }),
};
