'use client';

import { useTranslation } from 'react-i18next';
import { RelativeTime } from '@/components/collab/relative-time';
import { useWebSocketStatus } from '@/lib/hooks';
import type { SyncState } from '@/lib/sync/client/realtime-sync-manager';

const tones: Record<SyncState, string> = {
  idle: 'bg-slate-300',
  opening: 'bg-sky-400 animate-pulse',
  synced: 'bg-emerald-500',
  syncing: 'bg-sky-500 animate-pulse',
  offline: 'bg-amber-500',
  error: 'bg-rose-500',
  stopped: 'bg-slate-300',
};

/** "Saved · synced 1 minute ago · v12" with the connection's state, for the editor's toolbar. */
export function SyncStatus({
  state,
  version,
  lastSyncedAt,
  pending,
}: {
  state: SyncState;
  version: number;
  lastSyncedAt: number | null;
  pending: number;
}) {
  const { t } = useTranslation('collab');
  const connection = useWebSocketStatus();
  const shown: SyncState = !connection.connected && state !== 'error' && state !== 'idle' ? 'offline' : state;
  return (
    <div
      className="flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600"
      data-testid="sync-status"
      data-state={shown}
    >
      <span className="inline-flex items-center gap-1.5 rounded-full bg-white px-2.5 py-1 font-medium text-slate-700 ring-1 ring-slate-200">
        <span aria-hidden className={`size-2 rounded-full ${tones[shown]}`} />
        {t(`sync.state.${shown}`)}
      </span>
      {pending > 0 ? <span>{t('sync.pending', { count: pending })}</span> : null}
      {lastSyncedAt ? (
        <span className="hidden sm:inline">
          {t('sync.lastSynced', { time: '' }).trim()} <RelativeTime at={lastSyncedAt} />
        </span>
      ) : null}
      <span className="tabular font-mono text-slate-400" data-testid="sync-version">
        {t('editor.version', { version })}
      </span>
    </div>
  );
}
