'use client';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { HistoryEntry, RealtimeSync } from '@/lib/hooks';
import { groupTypingRuns } from '@/lib/sync/typing-run';
import { fieldKey } from '../orders/editor/types';
import { Avatar } from './avatar';
import { formatValue } from './format-value';
import { RelativeTime } from './relative-time';

type Names = Parameters<typeof formatValue>[2];

const undoRefusals = [
  'nothing',
  'notYours',
  'changedSince',
  'cannot',
  'locked',
  'reopen',
  'offline',
  'other',
] as const;
type UndoRefusal = (typeof undoRefusals)[number];

/** Why the server refused an undo or redo, from its error code (the message itself is not translated). */
function undoRefusal(code: string | undefined): UndoRefusal {
  switch (code) {
    case 'NOT_FOUND':
      return 'nothing';
    case 'FORBIDDEN':
      return 'notYours';
    case 'CONFLICT':
      return 'changedSince';
    case 'VALIDATION':
      return 'cannot';
    case 'LOCKED':
      return 'locked';
    case 'STALE_VERSION':
      return 'reopen';
    case 'UNAVAILABLE':
      return 'offline';
    default:
      return 'other';
  }
}

/** Every applied change, newest first; my own changes can be undone (and my undos redone). */
export function HistoryTab({
  sync,
  selfId,
  canEdit,
  names,
}: {
  sync: RealtimeSync;
  selfId: string;
  canEdit: boolean;
  names: Names;
}) {
  const { t } = useTranslation('collab');
  const [onlyMine, setOnlyMine] = useState(false);
  const [error, setError] = useState<{ mode: 'undo' | 'redo'; reason: UndoRefusal } | null>(null);
  // A run of typing is one entry (and one undo step), as the server undoes it.
  const runs = groupTypingRuns(sync.changeHistory.filter((e) => !onlyMine || e.userId === selfId));

  async function act(
    mode: 'undo' | 'redo',
    action: Promise<{ ok: boolean; error?: { code: string } } | undefined> | undefined,
  ) {
    setError(null);
    const reply = await action;
    if (reply && !reply.ok) setError({ mode, reason: undoRefusal(reply.error?.code) });
  }

  function summary(entry: HistoryEntry): string {
    const field = t(`fieldNames.${fieldKey(entry.field)}`);
    switch (entry.op.type) {
      case 'text':
        return t('panel.history.textEdit');
      case 'yjs':
        return entry.field === 'notes' ? t('panel.history.textEdit') : field;
      case 'line.add':
        return t('panel.history.lineAdded');
      case 'line.remove':
        return t('panel.history.lineRemoved');
      case 'policy':
        return t('panel.history.policySwitched');
      case 'set':
        return t('panel.history.set', {
          field,
          before: formatValue(entry.field, entry.before, names) || t('panel.history.empty_value'),
          after: formatValue(entry.field, entry.after, names) || t('panel.history.empty_value'),
        });
    }
  }

  return (
    <div>
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <label className="flex items-center gap-2 text-xs text-slate-600">
          <input
            type="checkbox"
            checked={onlyMine}
            onChange={(e) => setOnlyMine(e.target.checked)}
            className="rounded"
          />
          {t('panel.history.filterMine')}
        </label>
        {canEdit ? (
          <span className="flex gap-1.5">
            <button
              type="button"
              className="btn-secondary px-2.5 py-1 text-xs"
              data-testid="undo-last"
              onClick={() => void act('undo', sync.undoChange())}
            >
              ↶ {t('panel.history.undo')}
            </button>
            <button
              type="button"
              className="btn-secondary px-2.5 py-1 text-xs"
              data-testid="redo-last"
              onClick={() => void act('redo', sync.redoChange())}
            >
              ↷ {t('panel.history.redo')}
            </button>
          </span>
        ) : null}
      </div>
      {error ? (
        <p
          className="mb-2 rounded-md bg-rose-50 px-2.5 py-1.5 text-xs text-rose-800"
          data-testid="history-error"
        >
          {t(`panel.history.refused.${error.mode}.${error.reason}`)}
        </p>
      ) : null}
      {runs.length === 0 ? <p className="py-3 text-sm text-slate-500">{t('panel.history.empty')}</p> : null}
      <ol className="space-y-1" data-testid="history">
        {runs.map((run) => {
          const entry = run[0]!;
          const mine = entry.userId === selfId;
          const canUndo = canEdit && mine && entry.undoable && !entry.undoneBy && entry.kind !== 'undo';
          const canRedo = canEdit && mine && !entry.undoneBy && entry.kind === 'undo';
          return (
            <li
              key={entry.changeId}
              data-testid="history-entry"
              data-user={entry.userName}
              data-field={entry.field}
              className="flex items-start gap-2.5 rounded-lg px-2 py-2 hover:bg-slate-50"
            >
              <Avatar
                userId={entry.userId}
                name={entry.userName}
                size="sm"
                dimmed={Boolean(entry.undoneBy)}
              />
              <div className="min-w-0 flex-1">
                <p
                  className={`text-sm text-slate-800 ${entry.undoneBy ? 'line-through decoration-slate-400' : ''}`}
                >
                  <span className="font-medium text-slate-900">{entry.userName}</span> {summary(entry)}
                  {run.length > 1 ? (
                    <span className="text-slate-500" data-testid="history-run">
                      {' · '}
                      {t('panel.history.edits', { count: run.length })}
                    </span>
                  ) : null}
                </p>
                <p className="mt-0.5 flex flex-wrap gap-x-2 text-[11px] text-slate-500">
                  <RelativeTime at={entry.at} />
                  <span>v{entry.version}</span>
                  <span>{t(`editor.strategy.${entry.strategy}`)}</span>
                  {entry.kind === 'undo' ? (
                    <span className="text-slate-500">{t('panel.history.undoOf')}</span>
                  ) : null}
                  {entry.kind === 'redo' ? (
                    <span className="text-slate-500">{t('panel.history.redoOf')}</span>
                  ) : null}
                  {entry.undoneBy ? <span>{t('panel.history.undone')}</span> : null}
                  {entry.overwrote ? (
                    <span className="text-amber-600">
                      {t('panel.history.overwrote', { name: entry.overwrote.userName })}
                    </span>
                  ) : null}
                </p>
              </div>
              {canUndo ? (
                <button
                  type="button"
                  className="btn-ghost shrink-0 px-2 py-0.5 text-xs"
                  data-testid="history-undo"
                  onClick={() => void act('undo', sync.undoChange(entry.changeId))}
                >
                  {t('panel.history.undo')}
                </button>
              ) : null}
              {canRedo ? (
                <button
                  type="button"
                  className="btn-ghost shrink-0 px-2 py-0.5 text-xs"
                  data-testid="history-redo"
                  onClick={() => void act('redo', sync.redoChange(entry.changeId))}
                >
                  {t('panel.history.redo')}
                </button>
              ) : null}
            </li>
          );
        })}
      </ol>
      {sync.hasMoreHistory ? (
        <button
          type="button"
          className="btn-ghost mt-2 w-full text-xs"
          disabled={sync.historyLoading}
          onClick={() => void sync.loadMoreHistory()}
        >
          {t('panel.history.loadMore')}
        </button>
      ) : null}
    </div>
  );
}
