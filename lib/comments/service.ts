import type { ActivityInput } from '../activity/record';
import { collabNoticeKinds } from '../activity/sync-activity';
import type { Db } from '../db/create-db';
import {
  findComment,
  findThread,
  insertComment,
  insertThread,
  listThreadComments,
  listThreads,
  updateComment,
  updateThread,
} from '../db/queries/comments';
import { fieldChangesAfter } from '../db/queries/order-changes';
import { loadSyncedOrder } from '../db/queries/order-writes';
import { listTenantUsers } from '../db/queries/users';
import type { CommentRow, CommentThreadRow } from '../db/schema';
import type { ErrorCode } from '../realtime/protocol/codes';
import { matchDirectory, resolveMentions } from './mentions';
import { rebaseRange } from './range';
import {
  type CommentParams,
  type CommentView,
  commentEvents,
  type DirectoryEntry,
  type ThreadAnchor,
  type ThreadView,
  type TypingEvent,
  threadChannel,
} from './types';

export type CommentUser = { id: string; name: string; role: 'admin' | 'sales' | 'viewer'; tenantId: string };
export type CommentResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

type Publish = (input: {
  tenantId: string;
  channel: string;
  event: string;
  data: unknown;
  actor?: { id: string; name: string };
}) => Promise<unknown>;

export type CommentServiceDeps = {
  db: Db;
  publish: Publish;
  /** recordActivity bound to the process (feed + notifications); absent in pure unit tests. */
  activity?: (input: ActivityInput) => Promise<unknown>;
};

const ok = <T>(value: T): CommentResult<T> => ({ ok: true, value });
const fail = <T>(code: ErrorCode, message: string): CommentResult<T> => ({ ok: false, code, message });
const isStaff = (user: CommentUser) => user.role !== 'viewer';
const EXCERPT = 140;

export function toCommentView(row: CommentRow): CommentView {
  const deleted = row.deletedAt !== null;
  return {
    id: row.id,
    authorId: row.authorId,
    authorName: row.authorName,
    body: deleted ? '' : row.body,
    mentions: deleted ? [] : row.mentions,
    createdAt: row.createdAt.getTime(),
    editedAt: row.editedAt ? row.editedAt.getTime() : null,
    deleted,
  };
}

function anchorOf(row: CommentThreadRow): ThreadAnchor {
  if (row.anchor === 'field') return { kind: 'field', field: row.field ?? '' };
  if (row.anchor === 'range')
    return {
      kind: 'range',
      field: row.field ?? 'notes',
      start: row.rangeStart ?? 0,
      end: row.rangeEnd ?? 0,
      version: row.anchorVersion,
      quote: row.quote ?? '',
    };
  return { kind: 'entity' };
}

export function toThreadView(row: CommentThreadRow, rows: readonly CommentRow[]): ThreadView {
  return {
    id: row.id,
    entityId: row.entityId,
    anchor: anchorOf(row),
    internal: row.internal,
    status: row.status === 'resolved' ? 'resolved' : 'open',
    createdBy: { id: row.createdBy, name: row.createdByName },
    resolvedBy: row.resolvedBy ? { id: row.resolvedBy, name: row.resolvedByName ?? '' } : null,
    resolvedAt: row.resolvedAt ? row.resolvedAt.getTime() : null,
    createdAt: row.createdAt.getTime(),
    comments: rows.filter((c) => c.threadId === row.id).map(toCommentView),
  };
}

/**
 * Threads and replies on an order, a field or a range of the notes. Internal threads are read and broadcast only
 * to staff (on `internal:{id}`, a channel viewers cannot subscribe to); viewers read public threads, never write.
 */
export function createCommentService(deps: CommentServiceDeps) {
  const { db } = deps;
  const record = (input: ActivityInput) => void deps.activity?.(input);

  async function directory(tenantId: string): Promise<DirectoryEntry[]> {
    return (await listTenantUsers(db, tenantId)).map((u) => ({ id: u.id, name: u.name, role: u.role }));
  }

  /** A thread the caller may see (internal threads are hidden from viewers as if they did not exist). */
  async function visibleThread(user: CommentUser, threadId: string) {
    const thread = await findThread(db, user.tenantId, threadId);
    if (!thread || (thread.internal && !isStaff(user))) return null;
    return thread;
  }

  /** Moves a range anchor through the notes changes made since it was anchored, and stores the result. */
  async function rebased(thread: CommentThreadRow): Promise<CommentThreadRow> {
    if (thread.anchor !== 'range' || thread.rangeStart === null || thread.rangeEnd === null) return thread;
    const changes = await fieldChangesAfter(
      db,
      { tenantId: thread.tenantId, entityType: 'order', entityId: thread.entityId },
      'notes',
      thread.anchorVersion,
    );
    if (changes.length === 0) return thread;
    const range = rebaseRange(
      { start: thread.rangeStart, end: thread.rangeEnd },
      changes.map((c) => ({ op: c.op as { type: string; op?: unknown }, before: c.before, after: c.after })),
    );
    const version = changes[changes.length - 1]!.version;
    return (
      (await updateThread(db, thread.id, {
        rangeStart: range.start,
        rangeEnd: range.end,
        anchorVersion: version,
      })) ?? thread
    );
  }

  async function broadcast(user: CommentUser, thread: CommentThreadRow): Promise<ThreadView> {
    const view = toThreadView(thread, await listThreadComments(db, thread.id));
    await deps.publish({
      tenantId: user.tenantId,
      channel: threadChannel(thread.entityId, thread.internal),
      event: commentEvents.thread,
      data: view,
      actor: { id: user.id, name: user.name },
    });
    return view;
  }

  async function commented(
    user: CommentUser,
    thread: CommentThreadRow,
    comment: CommentRow,
    mentioned: DirectoryEntry[],
    label: string | null,
  ) {
    const excerpt = comment.body.length > EXCERPT ? `${comment.body.slice(0, EXCERPT)}…` : comment.body;
    record({
      tenantId: user.tenantId,
      actor: { id: user.id, name: user.name },
      action: 'commented',
      entityType: 'order',
      entityId: thread.entityId,
      entityLabel: label,
      // The feed is read by viewers too: an internal comment shows there without its words.
      meta: thread.internal ? { threadId: thread.id, internal: true } : { threadId: thread.id, excerpt },
      notify: mentioned.map((entry) => ({
        userId: entry.id,
        kind: collabNoticeKinds.mention,
        payload: {
          entityId: thread.entityId,
          entityLabel: label,
          threadId: thread.id,
          commentId: comment.id,
          by: user.name,
          excerpt,
          internal: thread.internal,
          link: `/orders/${thread.entityId}`,
        },
      })),
    });
  }

  async function orderLabel(user: CommentUser, entityId: string) {
    return (await loadSyncedOrder(db, user.tenantId, entityId))?.number ?? null;
  }

  async function setStatus(user: CommentUser, threadId: string, status: 'open' | 'resolved') {
    if (!isStaff(user)) return fail<ThreadView>('FORBIDDEN', 'Viewers cannot change comments');
    const thread = await visibleThread(user, threadId);
    if (!thread) return fail<ThreadView>('NOT_FOUND', 'Thread not found');
    const updated = await updateThread(
      db,
      thread.id,
      status === 'resolved'
        ? { status, resolvedBy: user.id, resolvedByName: user.name, resolvedAt: new Date() }
        : { status, resolvedBy: null, resolvedByName: null, resolvedAt: null },
    );
    if (!updated) return fail<ThreadView>('NOT_FOUND', 'Thread not found');
    if (status === 'resolved')
      record({
        tenantId: user.tenantId,
        actor: { id: user.id, name: user.name },
        action: 'resolved',
        entityType: 'comment',
        entityId: thread.entityId,
        entityLabel: await orderLabel(user, thread.entityId),
        meta: { threadId: thread.id, ...(thread.internal ? { internal: true } : {}) },
      });
    return ok(await broadcast(user, updated));
  }

  async function ownComment(user: CommentUser, commentId: string) {
    if (!isStaff(user))
      return fail<{ comment: CommentRow; thread: CommentThreadRow }>('FORBIDDEN', 'Viewers cannot write');
    const comment = await findComment(db, user.tenantId, commentId);
    const thread = comment ? await visibleThread(user, comment.threadId) : null;
    if (!comment || !thread || comment.deletedAt)
      return fail<{ comment: CommentRow; thread: CommentThreadRow }>('NOT_FOUND', 'Comment not found');
    if (comment.authorId !== user.id)
      return fail<{ comment: CommentRow; thread: CommentThreadRow }>(
        'FORBIDDEN',
        'Only the author may change a comment',
      );
    return ok({ comment, thread });
  }

  return {
    async list(user: CommentUser, params: CommentParams<'comments.list'>) {
      const order = await loadSyncedOrder(db, user.tenantId, params.entityId);
      if (!order) return fail<{ threads: ThreadView[] }>('NOT_FOUND', 'Order not found');
      const found = await listThreads(db, {
        tenantId: user.tenantId,
        entityType: 'order',
        entityId: order.id,
        includeInternal: isStaff(user),
      });
      const threads: ThreadView[] = [];
      for (const thread of found.threads) threads.push(toThreadView(await rebased(thread), found.comments));
      return ok({ threads });
    },

    async directory(user: CommentUser, params: CommentParams<'comments.directory'>) {
      if (!isStaff(user)) return fail<{ users: DirectoryEntry[] }>('FORBIDDEN', 'Viewers cannot mention');
      const all = (await directory(user.tenantId)).filter(
        (entry) => !params.internal || entry.role !== 'viewer',
      );
      return ok({ users: matchDirectory(all, params.query, params.query ? 8 : 50) });
    },

    async create(user: CommentUser, params: CommentParams<'comments.create'>) {
      if (!isStaff(user)) return fail<ThreadView>('FORBIDDEN', 'Viewers cannot comment');
      const order = await loadSyncedOrder(db, user.tenantId, params.entityId);
      if (!order) return fail<ThreadView>('NOT_FOUND', 'Order not found');
      const { anchor } = params;
      if (anchor.kind === 'range' && anchor.end < anchor.start)
        return fail<ThreadView>('VALIDATION', 'The range ends before it starts');
      const mentioned = resolveMentions(
        params.body,
        params.mentions,
        await directory(user.tenantId),
        params.internal,
      );
      const { thread, comment } = await db.transaction(async (tx) => {
        const thread = await insertThread(tx, {
          tenantId: user.tenantId,
          entityType: 'order',
          entityId: order.id,
          anchor: anchor.kind,
          field: anchor.kind === 'entity' ? null : anchor.field,
          rangeStart: anchor.kind === 'range' ? anchor.start : null,
          rangeEnd: anchor.kind === 'range' ? anchor.end : null,
          quote: anchor.kind === 'range' ? anchor.quote : null,
          anchorVersion: anchor.kind === 'range' ? anchor.version : order.version,
          internal: params.internal,
          createdBy: user.id,
          createdByName: user.name,
        });
        const comment = await insertComment(tx, {
          tenantId: user.tenantId,
          threadId: thread.id,
          authorId: user.id,
          authorName: user.name,
          body: params.body,
          mentions: mentioned.map((m) => m.id),
        });
        return { thread, comment };
      });
      const moved = await rebased(thread);
      const view = await broadcast(user, moved);
      await commented(user, moved, comment, mentioned, order.number);
      return ok(view);
    },

    async reply(user: CommentUser, params: CommentParams<'comments.reply'>) {
      if (!isStaff(user)) return fail<ThreadView>('FORBIDDEN', 'Viewers cannot comment');
      const thread = await visibleThread(user, params.threadId);
      if (!thread) return fail<ThreadView>('NOT_FOUND', 'Thread not found');
      const mentioned = resolveMentions(
        params.body,
        params.mentions,
        await directory(user.tenantId),
        thread.internal,
      );
      const comment = await insertComment(db, {
        tenantId: user.tenantId,
        threadId: thread.id,
        authorId: user.id,
        authorName: user.name,
        body: params.body,
        mentions: mentioned.map((m) => m.id),
      });
      const view = await broadcast(user, thread);
      await commented(user, thread, comment, mentioned, await orderLabel(user, thread.entityId));
      return ok(view);
    },

    async edit(user: CommentUser, params: CommentParams<'comments.edit'>) {
      const own = await ownComment(user, params.commentId);
      if (!own.ok) return own;
      const { thread, comment } = own.value;
      const mentioned = resolveMentions(
        params.body,
        params.mentions,
        await directory(user.tenantId),
        thread.internal,
      );
      await updateComment(db, comment.id, {
        body: params.body,
        mentions: mentioned.map((m) => m.id),
        editedAt: new Date(),
      });
      const fresh = mentioned.filter((m) => !comment.mentions.includes(m.id));
      const view = await broadcast(user, thread);
      if (fresh.length > 0)
        await commented(
          user,
          thread,
          { ...comment, body: params.body },
          fresh,
          await orderLabel(user, thread.entityId),
        );
      return ok(view);
    },

    async remove(user: CommentUser, params: CommentParams<'comments.delete'>) {
      const own = await ownComment(user, params.commentId);
      if (!own.ok) return own;
      await updateComment(db, own.value.comment.id, { deletedAt: new Date() });
      return ok(await broadcast(user, own.value.thread));
    },

    resolve: (user: CommentUser, params: CommentParams<'comments.resolve'>) =>
      setStatus(user, params.threadId, 'resolved'),
    reopen: (user: CommentUser, params: CommentParams<'comments.reopen'>) =>
      setStatus(user, params.threadId, 'open'),

    async typing(user: CommentUser, params: CommentParams<'comments.typing'>) {
      if (!isStaff(user)) return fail<{ sent: boolean }>('FORBIDDEN', 'Viewers cannot comment');
      const thread = await visibleThread(user, params.threadId);
      if (!thread) return fail<{ sent: boolean }>('NOT_FOUND', 'Thread not found');
      const data: TypingEvent = {
        threadId: thread.id,
        userId: user.id,
        userName: user.name,
        typing: params.typing,
      };
      await deps.publish({
        tenantId: user.tenantId,
        channel: threadChannel(thread.entityId, thread.internal),
        event: commentEvents.typing,
        data,
        actor: { id: user.id, name: user.name },
      });
      return ok({ sent: true });
    },
  };
}

export type CommentService = ReturnType<typeof createCommentService>;
