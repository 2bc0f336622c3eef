import { z } from 'zod';

/** Browser- and server-safe vocabulary of comments. */
const id = z.string().uuid();
const body = z.string().trim().min(1).max(5000);
const mentions = z.array(id).max(20).default([]);

export const commentAnchor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('entity') }),
  z.object({ kind: z.literal('field'), field: z.string().min(1).max(100) }),
  z.object({
    kind: z.literal('range'),
    field: z.literal('notes').default('notes'),
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    /** The entity version the offsets refer to. */
    version: z.number().int().nonnegative(),
    quote: z.string().max(500).default(''),
  }),
]);
export type CommentAnchorInput = z.infer<typeof commentAnchor>;

export const commentParams = {
  'comments.list': z.object({ entityId: id }),
  'comments.directory': z.object({
    query: z.string().max(100).default(''),
    internal: z.boolean().default(false),
  }),
  'comments.create': z.object({
    entityId: id,
    anchor: commentAnchor,
    internal: z.boolean().default(false),
    body,
    mentions,
  }),
  'comments.reply': z.object({ threadId: id, body, mentions }),
  'comments.edit': z.object({ commentId: id, body, mentions }),
  'comments.delete': z.object({ commentId: id }),
  'comments.resolve': z.object({ threadId: id }),
  'comments.reopen': z.object({ threadId: id }),
  'comments.typing': z.object({ threadId: id, typing: z.boolean() }),
} as const;
export type CommentMethod = keyof typeof commentParams;
export type CommentParams<M extends CommentMethod> = z.infer<(typeof commentParams)[M]>;

export type CommentView = {
  id: string;
  authorId: string;
  authorName: string;
  /** Empty once deleted. */
  body: string;
  mentions: string[];
  createdAt: number;
  editedAt: number | null;
  deleted: boolean;
};

export type ThreadAnchor =
  | { kind: 'entity' }
  | { kind: 'field'; field: string }
  | { kind: 'range'; field: string; start: number; end: number; version: number; quote: string };

export type ThreadView = {
  id: string;
  entityId: string;
  anchor: ThreadAnchor;
  internal: boolean;
  status: 'open' | 'resolved';
  createdBy: { id: string; name: string };
  resolvedBy: { id: string; name: string } | null;
  resolvedAt: number | null;
  createdAt: number;
  comments: CommentView[];
};

export type DirectoryEntry = { id: string; name: string; role: 'admin' | 'sales' | 'viewer' };

/** Events on `order:{id}` (public threads) and `internal:{id}` (internal threads, staff only). */
export const commentEvents = { thread: 'comment.thread', typing: 'comment.typing' } as const;

export type TypingEvent = { threadId: string; userId: string; userName: string; typing: boolean };

/** The channel a thread's events go to: internal threads never touch the order room viewers can read. */
export function threadChannel(entityId: string, internal: boolean): string {
  return internal ? `internal:${entityId}` : `order:${entityId}`;
}
