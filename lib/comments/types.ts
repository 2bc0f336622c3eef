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

export const commentView = z.object({
  id: z.string(),
  authorId: z.string(),
  authorName: z.string(),
  /** Empty once deleted. */
  body: z.string(),
  mentions: z.array(z.string()),
  createdAt: z.number(),
  editedAt: z.number().nullable(),
  deleted: z.boolean(),
});
export type CommentView = z.infer<typeof commentView>;

export const threadAnchor = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('entity') }),
  z.object({ kind: z.literal('field'), field: z.string() }),
  z.object({
    kind: z.literal('range'),
    field: z.string(),
    start: z.number(),
    end: z.number(),
    version: z.number(),
    quote: z.string(),
  }),
]);
export type ThreadAnchor = z.infer<typeof threadAnchor>;

const person = z.object({ id: z.string(), name: z.string() });

/** A thread as the comments RPCs answer it and `comment.thread` carries it (times in ms since the epoch). */
export const threadView = z.object({
  id: z.string(),
  entityId: z.string(),
  anchor: threadAnchor,
  internal: z.boolean(),
  status: z.enum(['open', 'resolved']),
  createdBy: person,
  resolvedBy: person.nullable(),
  resolvedAt: z.number().nullable(),
  createdAt: z.number(),
  comments: z.array(commentView),
});
export type ThreadView = z.infer<typeof threadView>;

export const directoryEntry = z.object({
  id: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'sales', 'viewer']),
});
export type DirectoryEntry = z.infer<typeof directoryEntry>;

/** What the comments RPCs answer (`comments.create`, `reply`, `edit`, `delete`, `resolve`, `reopen`: a thread). */
export const commentResults = {
  list: z.object({ threads: z.array(threadView) }),
  thread: threadView,
  directory: z.object({ users: z.array(directoryEntry) }),
} as const;

/** Events on `order:{id}` (public threads) and `internal:{id}` (internal threads, staff only). */
export const commentEvents = { thread: 'comment.thread', typing: 'comment.typing' } as const;

export const typingEvent = z.object({
  threadId: z.string(),
  userId: z.string(),
  userName: z.string(),
  typing: z.boolean(),
});
export type TypingEvent = z.infer<typeof typingEvent>;

/** The channel a thread's events go to: internal threads never touch the order room viewers can read. */
export function threadChannel(entityId: string, internal: boolean): string {
  return internal ? `internal:${entityId}` : `order:${entityId}`;
}
