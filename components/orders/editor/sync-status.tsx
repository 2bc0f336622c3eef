'use client';

import { useTranslation } from 'react-i18next';
import { RelativeTime } from '@/components/collab/relative-time';
import { useWebSocketStatus } from '@/lib/hooks';
import type { SyncSnapshot, SyncState } from '@/lib/sync/client/realtime-sync-manager';

const tones: Record<SyncState, string> = {
  idle: 'bg-slate-300',
  opening: 'bg-sky-400 motion-safe:animate-pulse',
  synced: 'bg-emerald-500',
  syncing: 'bg-sky-500 motion-safe:animate-pulse',
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
  outbox,
  busy = false,
}: {
  state: SyncState;
  version: number;
  lastSyncedAt: number | null;
  pending: number;
  outbox: SyncSnapshot['outbox'];
  /** The server is busy: the waiting edits go again shortly (see `SyncSnapshot.retryAt`). */
  busy?: boolean;
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
      {busy && shown === 'syncing' ? (
        <span className="font-medium text-amber-800" data-testid="sync-busy" role="status">
          {t('sync.busy')}
        </span>
      ) : null}
      {shown === 'offline' && outbox.durable && outbox.kept > 0 ? (
        // Offline: what is safe on this device (this page's edits and those an earlier page left).
        <span
          className="inline-flex items-center gap-1 font-medium text-amber-800"
          data-testid="outbox-kept"
          data-count={outbox.kept}
        >
          <svg aria-hidden viewBox="0 0 16 16" fill="currentColor" className="size-3.5">
            <path d="M3 2.5A1.5 1.5 0 0 1 4.5 1h5.4a1.5 1.5 0 0 1 1 .4l1.7 1.6a1.5 1.5 0 0 1 .4 1V13.5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-11ZM5.5 3v3h4V3h-4Zm-.5 6.5v4h6v-4H5Z" />
          </svg>
          {t('sync.kept', { count: outbox.kept })}
        </span>
      ) : pending > 0 ? (
        <span>{t('sync.pending', { count: pending })}</span>
      ) : null}
      {outbox.full ? (
        <span
          className="rounded-full bg-rose-50 px-2 py-0.5 font-medium text-rose-800 ring-1 ring-rose-200"
          data-testid="outbox-full"
          role="status"
        >
          {t('sync.full')}
        </span>
      ) : null}
      {lastSyncedAt ? (
        <span className="hidden sm:inline">
          {t('sync.lastSynced', { time: '' }).trim()} <RelativeTime at={lastSyncedAt} />
        </span>
      ) : null}
      <span
        className="inline-flex items-center gap-1.5 text-slate-500"
        data-testid="connection-badge"
        data-status={connection.connected ? 'connected' : connection.connecting ? 'connecting' : 'offline'}
      >
        <svg
          aria-hidden
          viewBox="0 0 16 16"
          fill="currentColor"
          className={`size-3.5 ${connection.connected ? 'text-emerald-600' : connection.connecting ? 'motion-safe:animate-pulse text-amber-500' : 'text-rose-500'}`}
        >
          <path d="M8 12.5a1.25 1.25 0 1 1 0 2.5 1.25 1.25 0 0 1 0-2.5Zm-3.3-2.2a4.7 4.7 0 0 1 6.6 0l-1.1 1.1a3.1 3.1 0 0 0-4.4 0l-1.1-1.1ZM2.3 7.9a8 8 0 0 1 11.4 0l-1.1 1.1a6.4 6.4 0 0 0-9.2 0L2.3 7.9ZM0 5.5a11.3 11.3 0 0 1 16 0l-1.1 1.1a9.7 9.7 0 0 0-13.8 0L0 5.5Z" />
        </svg>
        {connection.connected
          ? t('sync.connection.connected')
          : connection.connecting
            ? t('sync.connection.connecting')
            : t('sync.connection.offline')}
        {connection.connected && connection.latency !== null ? (
          <span className="tabular text-slate-500">
            · {t('sync.connection.latency', { ms: String(Math.round(connection.latency)) })}
          </span>
        ) : null}
      </span>
      <span className="tabular font-mono text-slate-500" data-testid="sync-version">
        {t('editor.version', { version })}
      </span>
    </div>
  );
}
