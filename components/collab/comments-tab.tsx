'use client';

import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommentAnchorInput, ThreadView } from '@/lib/comments/types';
import type { OrderSection } from '@/lib/sync/types';
import { fieldKey } from '../orders/editor/types';
import { CommentComposer } from './comment-composer';
import { CommentThread } from './comment-thread';
import type { CommentsApi } from './use-comments';

export type NotesRangeSelection = { start: number; end: number; quote: string } | null;

const anchorFields: { value: string; section: OrderSection; field: string }[] = [
  { value: 'field:status', section: 'status', field: 'status' },
  { value: 'field:customerId', section: 'customer', field: 'customerId' },
  { value: 'field:shippingAddress', section: 'shipping', field: 'shippingAddress' },
  { value: 'field:lines', section: 'lines', field: 'lines' },
  { value: 'field:notes', section: 'notes', field: 'notes' },
];

export function CommentsTab({
  api,
  selfId,
  staff,
  version,
  selection,
  anchorRequest,
  activeThreadId,
  onActivate,
  directoryNames,
}: {
  api: CommentsApi;
  selfId: string;
  staff: boolean;
  version: number;
  selection: NotesRangeSelection;
  /** Set when the user asked to comment on the selected notes. */
  anchorRequest: number;
  activeThreadId: string | null;
  onActivate(threadId: string): void;
  directoryNames: Map<string, string>;
}) {
  const { t } = useTranslation('collab');
  const [anchor, setAnchor] = useState('entity');
  const [internal, setInternal] = useState(false);
  const [showResolved, setShowResolved] = useState(false);
  const [seenRequest, setSeenRequest] = useState(anchorRequest);
  if (anchorRequest !== seenRequest) {
    setSeenRequest(anchorRequest);
    if (selection) setAnchor('range');
  }
  const open = api.threads.filter((th) => th.status === 'open');
  const resolved = api.threads.filter((th) => th.status === 'resolved');

  const anchorLabel = useMemo(
    () => (thread: ThreadView) => {
      const a = thread.anchor;
      if (a.kind === 'range')
        return t('comments.on.range', { quote: a.quote.length > 40 ? `${a.quote.slice(0, 40)}…` : a.quote });
      if (a.kind === 'field') return t('comments.on.field', { field: t(`fieldNames.${fieldKey(a.field)}`) });
      return t('comments.on.entity');
    },
    [t],
  );

  function anchorInput(): CommentAnchorInput {
    if (anchor === 'range' && selection)
      return {
        kind: 'range',
        field: 'notes',
        start: selection.start,
        end: selection.end,
        version,
        quote: selection.quote.slice(0, 500),
      };
    if (anchor.startsWith('field:')) return { kind: 'field', field: anchor.slice('field:'.length) };
    return { kind: 'entity' };
  }

  const renderThread = (thread: ThreadView) => (
    <CommentThread
      key={thread.id}
      thread={thread}
      api={api}
      selfId={selfId}
      canWrite={staff}
      typingNames={Object.values(api.typing[thread.id] ?? {}).map((e) => e.name)}
      anchorLabel={anchorLabel(thread)}
      active={thread.id === activeThreadId}
      onActivate={() => onActivate(thread.id)}
      directoryNames={directoryNames}
    />
  );

  return (
    <div className="space-y-3">
      {staff ? (
        <div className="rounded-lg border border-slate-200 bg-slate-50/70 p-3">
          <div className="mb-2 flex flex-wrap items-center gap-2">
            <label className="text-xs font-medium text-slate-600" htmlFor="comment-anchor">
              {t('comments.anchor')}
            </label>
            <select
              id="comment-anchor"
              data-testid="comment-anchor"
              className="field w-auto min-w-0 flex-1 py-1 text-xs"
              value={anchor === 'range' && !selection ? 'entity' : anchor}
              onChange={(e) => setAnchor(e.target.value)}
            >
              <option value="entity">{t('comments.on.entity')}</option>
              {anchorFields.map((f) => (
                <option key={f.value} value={f.value}>
                  {t('comments.on.field', { field: t(`fieldNames.${fieldKey(f.field)}`) })}
                </option>
              ))}
              {selection ? (
                <option value="range">
                  {t('comments.on.range', {
                    quote: selection.quote.length > 30 ? `${selection.quote.slice(0, 30)}…` : selection.quote,
                  })}
                </option>
              ) : null}
            </select>
          </div>
          <CommentComposer
            placeholder={t('comments.placeholder')}
            submitLabel={t('comments.send')}
            internal={internal}
            testId="new-comment"
            search={api.directory}
            onSubmit={async (body, mentions) => {
              const thread = await api.create({ anchor: anchorInput(), internal, body, mentions });
              onActivate(thread.id);
              setAnchor('entity');
            }}
            extra={
              <label className="flex w-fit items-center gap-2 text-xs text-slate-600">
                <input
                  type="checkbox"
                  data-testid="comment-internal"
                  checked={internal}
                  onChange={(e) => setInternal(e.target.checked)}
                  className="rounded"
                />
                {t('comments.internal')}
              </label>
            }
          />
        </div>
      ) : (
        <p className="rounded-lg bg-slate-50 px-3 py-2 text-xs text-slate-500">{t('comments.viewerNote')}</p>
      )}
      {open.length === 0 && resolved.length === 0 ? (
        <p className="py-2 text-sm text-slate-500">{t('comments.empty')}</p>
      ) : null}
      <div className="space-y-2.5" data-testid="threads">
        {open.map(renderThread)}
      </div>
      {resolved.length > 0 ? (
        <div>
          <button
            type="button"
            className="text-xs font-medium text-slate-500 hover:text-slate-900"
            onClick={() => setShowResolved((v) => !v)}
          >
            {t('comments.showResolved', { count: resolved.length })}
          </button>
          {showResolved ? <div className="mt-2 space-y-2.5">{resolved.map(renderThread)}</div> : null}
        </div>
      ) : null}
    </div>
  );
}
