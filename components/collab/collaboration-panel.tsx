'use client';

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RealtimeSync } from '@/lib/hooks';
import type { Member } from '@/lib/realtime/protocol/messages';
import { CommentsTab, type NotesRangeSelection } from './comments-tab';
import { ConflictCard, changedSinceRefusal } from './conflict-card';
import type { formatValue } from './format-value';
import { HistoryTab } from './history-tab';
import { PeopleTab } from './people-tab';
import type { CommentsApi } from './use-comments';

export type PanelTab = 'people' | 'comments' | 'history' | 'conflicts';
const tabs: PanelTab[] = ['people', 'comments', 'history', 'conflicts'];

/** Collaborators, comments, history (with undo/redo) and conflicts (resolved by admins) of one order. */
export function CollaborationPanel({
  sync,
  comments,
  members,
  self,
  selection,
  anchorRequest,
  activeThreadId,
  onActivateThread,
  names,
  directoryNames,
  tab,
  onTab,
}: {
  sync: RealtimeSync;
  comments: CommentsApi;
  members: readonly Member[];
  self: { id: string; role: 'admin' | 'sales' | 'viewer' };
  selection: NotesRangeSelection;
  anchorRequest: number;
  activeThreadId: string | null;
  onActivateThread(threadId: string): void;
  names: Parameters<typeof formatValue>[2];
  directoryNames: Map<string, string>;
  tab: PanelTab;
  onTab(tab: PanelTab): void;
}) {
  const { t } = useTranslation('collab');
  const [error, setError] = useState<string | null>(null);
  const staff = self.role !== 'viewer';
  const openComments = comments.threads.filter((th) => th.status === 'open').length;
  const counts: Record<PanelTab, number> = {
    people: members.length,
    comments: openComments,
    history: 0,
    conflicts: sync.conflicts.length,
  };
  return (
    <section
      className="rounded-xl border border-slate-200 bg-white shadow-xs"
      data-testid="collaboration-panel"
    >
      <div role="tablist" aria-label={t('panel.title')} className="flex border-b border-slate-100 px-1">
        {tabs.map((name) => (
          <button
            key={name}
            role="tab"
            type="button"
            aria-selected={tab === name}
            data-testid={`tab-${name}`}
            onClick={() => onTab(name)}
            className={`relative flex flex-1 items-center justify-center gap-1 px-1.5 py-3 text-[13px] font-medium whitespace-nowrap transition-colors ${
              tab === name ? 'text-brand-700' : 'text-slate-500 hover:text-slate-900'
            }`}
          >
            {t(`panel.tabs.${name}`)}
            {counts[name] > 0 ? (
              <span
                className={`rounded-full px-1.5 text-[11px] leading-5 tabular ${
                  name === 'conflicts' ? 'bg-amber-100 text-amber-800' : 'bg-slate-100 text-slate-600'
                }`}
              >
                {counts[name]}
              </span>
            ) : null}
            {tab === name ? (
              <span className="absolute inset-x-2 -bottom-px h-0.5 rounded-full bg-brand-600" />
            ) : null}
          </button>
        ))}
      </div>
      <div className="max-h-[calc(100vh-12rem)] overflow-y-auto p-4" role="tabpanel">
        {tab === 'people' ? <PeopleTab members={members} selfId={self.id} locks={sync.locks} /> : null}
        {tab === 'comments' ? (
          <CommentsTab
            api={comments}
            selfId={self.id}
            staff={staff}
            version={sync.version}
            selection={selection}
            anchorRequest={anchorRequest}
            activeThreadId={activeThreadId}
            onActivate={onActivateThread}
            directoryNames={directoryNames}
          />
        ) : null}
        {tab === 'history' ? <HistoryTab sync={sync} selfId={self.id} canEdit={staff} names={names} /> : null}
        {tab === 'conflicts' ? (
          <div className="space-y-3" data-testid="conflicts">
            {error ? (
              <p className="rounded-md bg-rose-50 px-2.5 py-1.5 text-xs text-rose-800">{error}</p>
            ) : null}
            {sync.conflicts.length === 0 ? (
              <p className="text-sm text-slate-500">{t('panel.conflicts.empty')}</p>
            ) : null}
            {sync.conflicts.map((conflict) => (
              <ConflictCard
                key={conflict.conflictId}
                conflict={conflict}
                canResolve={self.role === 'admin'}
                names={names}
                onResolve={async (resolution, value, reviewedVersion) => {
                  setError(null);
                  const reply = await sync.resolveConflict(
                    conflict.conflictId,
                    resolution,
                    value,
                    reviewedVersion,
                  );
                  if (!reply || reply.ok) return;
                  if (changedSinceRefusal(reply.error.code, reply.error.details)) {
                    setError(t('panel.conflicts.changedAgain'));
                    await sync.refreshConflicts();
                  } else setError(t('errors.generic', { reason: reply.error.message }));
                }}
              />
            ))}
          </div>
        ) : null}
      </div>
    </section>
  );
}
