'use client';

import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ThreadView } from '@/lib/comments/types';
import { Avatar } from './avatar';
import { CommentComposer } from './comment-composer';
import { RelativeTime } from './relative-time';
import type { CommentsApi } from './use-comments';

/** The body with "@Name" of mentioned people highlighted. */
function withMentions(body: string, names: string[]): ReactNode[] {
  if (names.length === 0) return [body];
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const parts = body.split(new RegExp(`(@(?:${escaped.join('|')}))`, 'g'));
  return parts.map((part, i) =>
    i % 2 === 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: positional parts of one body
      <span key={i} className="rounded bg-brand-50 px-0.5 font-medium text-brand-700">
        {part}
      </span>
    ) : (
      part
    ),
  );
}

export function CommentThread({
  thread,
  api,
  selfId,
  canWrite,
  typingNames,
  anchorLabel,
  active,
  onActivate,
  directoryNames,
}: {
  thread: ThreadView;
  api: CommentsApi;
  selfId: string;
  canWrite: boolean;
  typingNames: string[];
  anchorLabel: string;
  active: boolean;
  onActivate(): void;
  directoryNames: Map<string, string>;
}) {
  const { t } = useTranslation('collab');
  const [replying, setReplying] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const resolved = thread.status === 'resolved';
  return (
    <article
      data-testid="comment-thread"
      data-thread-id={thread.id}
      data-internal={thread.internal ? 'true' : 'false'}
      data-status={thread.status}
      className={`rounded-lg border bg-white p-3 transition-colors ${
        active ? 'border-amber-300 ring-2 ring-amber-100' : 'border-slate-200'
      } ${resolved ? 'opacity-75' : ''}`}
    >
      <header className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <button
          type="button"
          onClick={onActivate}
          className="min-w-0 truncate text-left text-xs font-medium text-slate-500 hover:text-slate-900"
        >
          {anchorLabel}
        </button>
        <span className="flex items-center gap-1.5">
          {thread.internal ? (
            <span className="rounded-full bg-slate-800 px-2 py-0.5 text-[10px] font-semibold tracking-wide text-white uppercase">
              {t('comments.internalBadge')}
            </span>
          ) : null}
          {canWrite ? (
            <button
              type="button"
              className="btn-ghost px-2 py-0.5 text-xs"
              data-testid={resolved ? 'thread-reopen' : 'thread-resolve'}
              onClick={(e) => {
                e.stopPropagation();
                void (resolved ? api.reopen(thread.id) : api.resolve(thread.id));
              }}
            >
              {resolved ? t('comments.reopen') : t('comments.resolve')}
            </button>
          ) : null}
        </span>
      </header>
      <ol className="space-y-3">
        {thread.comments.map((comment) => {
          const own = comment.authorId === selfId;
          const names = comment.mentions
            .map((id) => directoryNames.get(id))
            .filter((n): n is string => Boolean(n));
          return (
            <li key={comment.id} className="flex gap-2.5" data-testid="comment" data-comment-id={comment.id}>
              <Avatar userId={comment.authorId} name={comment.authorName} size="sm" />
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-baseline gap-x-2 text-xs">
                  <span className="font-semibold text-slate-900">{comment.authorName}</span>
                  <RelativeTime at={comment.createdAt} className="text-slate-500" />
                  {comment.editedAt && !comment.deleted ? (
                    <span className="text-slate-500">({t('comments.edited')})</span>
                  ) : null}
                </p>
                {comment.deleted ? (
                  <p className="mt-0.5 text-sm text-slate-500 italic">{t('comments.deleted')}</p>
                ) : editing === comment.id ? (
                  <div className="mt-1">
                    <CommentComposer
                      placeholder={t('comments.placeholder')}
                      submitLabel={t('comments.save')}
                      initial={comment.body}
                      internal={thread.internal}
                      autoFocus
                      search={api.directory}
                      onCancel={() => setEditing(null)}
                      onSubmit={async (body, mentions) => {
                        await api.edit(comment.id, body, [...new Set([...comment.mentions, ...mentions])]);
                        setEditing(null);
                      }}
                    />
                  </div>
                ) : (
                  <p
                    className="mt-0.5 text-sm break-words whitespace-pre-wrap text-slate-800"
                    data-testid="comment-body"
                  >
                    {withMentions(comment.body, names)}
                  </p>
                )}
                {own && canWrite && !comment.deleted && editing !== comment.id ? (
                  <p className="mt-1 flex gap-3 text-xs">
                    <button
                      type="button"
                      className="text-slate-500 hover:text-slate-900"
                      onClick={() => setEditing(comment.id)}
                    >
                      {t('comments.edit')}
                    </button>
                    <button
                      type="button"
                      className="text-slate-500 hover:text-rose-700"
                      data-testid="comment-delete"
                      onClick={() => void api.remove(comment.id)}
                    >
                      {t('comments.delete')}
                    </button>
                  </p>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      {resolved && thread.resolvedBy ? (
        <p className="mt-2 text-xs text-emerald-700">
          {t('comments.resolved', { name: thread.resolvedBy.name })}
        </p>
      ) : null}
      {typingNames.length > 0 ? (
        <p className="mt-2 text-xs text-slate-500 italic" data-testid="thread-typing">
          {t('comments.typing', { count: typingNames.length, names: typingNames.join(', ') })}
        </p>
      ) : null}
      {canWrite && !resolved ? (
        replying ? (
          <div className="mt-3">
            <CommentComposer
              placeholder={t('comments.replyPlaceholder')}
              submitLabel={t('comments.reply')}
              internal={thread.internal}
              autoFocus
              testId="reply-input"
              search={api.directory}
              onTyping={() => api.sendTyping(thread.id, true)}
              onCancel={() => {
                api.sendTyping(thread.id, false);
                setReplying(false);
              }}
              onSubmit={async (body, mentions) => {
                await api.reply(thread.id, body, mentions);
                setReplying(false);
              }}
            />
          </div>
        ) : (
          <button
            type="button"
            className="mt-2 text-xs font-medium text-brand-700 hover:underline"
            data-testid="thread-reply"
            onClick={(e) => {
              e.stopPropagation();
              setReplying(true);
            }}
          >
            {t('comments.reply')}
          </button>
        )
      ) : null}
    </article>
  );
}
