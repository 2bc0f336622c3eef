'use client';

import type { TextOp } from 'ot-text-unicode';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { createRpcTransport } from '../realtime/client';
import { createDurableOutbox, OUTBOX_LIMIT } from '../sync/client/durable-outbox';
import type { OutboxStore } from '../sync/client/outbox-store';
import { createIndexedDbOutboxStore } from '../sync/client/outbox-store-idb';
import { rpcParsed } from '../sync/client/parsed-rpc';
import {
  createRealtimeSyncManager,
  type PushChangeOptions,
  type RealtimeSyncManager,
  type SyncNotice,
  type SyncSnapshot,
} from '../sync/client/realtime-sync-manager';
import { createBrowserTabLocks, type TabLocks } from '../sync/client/tab-locks';
import { type HistoryEntry, syncAnswers } from '../sync/protocol';
import { randomId } from '../sync/random-id';
import type { AppliedChange, LeaseView, OrderSection } from '../sync/types';
import { useRealtime } from './realtime-context';

export type { HistoryEntry };

export type EntitySyncOptions = {
  /** Start syncing on mount (default true); stop on unmount, releasing this user's locks. */
  autoStart?: boolean;
  /** History entries per page (default 20). */
  historyPageSize?: number;
};

const emptySnapshot: SyncSnapshot = {
  serverVersion: 0,
  divergences: 0,
  syncState: 'idle',
  syncing: false,
  version: 0,
  lastSyncedAt: null,
  doc: null,
  policy: {
    status: 'lock-based',
    customer: 'lock-based',
    shipping: 'manual',
    notes: 'operational-transform',
    lines: 'last-write-wins',
  },
  localChanges: [],
  remoteChanges: [],
  conflicts: [],
  locks: {},
  notices: [],
  error: null,
  outbox: { kept: 0, limit: OUTBOX_LIMIT, full: false, durable: false },
  retryAt: null,
};

/** One IndexedDB store and one lock manager per page, shared by every order the page opens. */
let browserOutbox: { store: OutboxStore; locks: TabLocks | null } | null = null;
function pageOutbox() {
  if (typeof window === 'undefined' || typeof indexedDB === 'undefined') return null;
  browserOutbox ??= { store: createIndexedDbOutboxStore(), locks: createBrowserTabLocks() };
  return browserOutbox;
}

/**
 * One order kept in sync over the shared connection: a thin React face of `createRealtimeSyncManager()` (state,
 * edits, locks, conflicts, history with undo/redo). The manager lives as long as the component and the entity id.
 */
export function useRealtimeSync(entityId: string | null, options: EntitySyncOptions = {}) {
  const { client, store } = useRealtime();
  const user = useStore(store, (s) => s.user);
  const autoStart = options.autoStart ?? true;
  const pageSize = options.historyPageSize ?? 20;
  const transport = useMemo(() => createRpcTransport(client), [client]);
  const userId = user?.id ?? null;
  const userName = user?.name ?? '';

  const manager: RealtimeSyncManager | null = useMemo(() => {
    if (!entityId || !userId) return null;
    // Unacknowledged edits are kept in this browser (IndexedDB) across reloads, crashes and closed tabs.
    const page = pageOutbox();
    const outbox = page ? createDurableOutbox({ ...page, entityId, userId }) : undefined;
    return createRealtimeSyncManager({
      transport,
      entityId,
      user: { id: userId, name: userName },
      ...(outbox ? { outbox } : {}),
    });
  }, [transport, entityId, userId, userName]);

  useEffect(() => {
    if (!manager || !autoStart) return;
    void manager.startSync();
    const flush = () => manager.flushNow();
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      manager.flushNow();
      void manager.stopSync();
    };
  }, [manager, autoStart]);

  const subscribe = useCallback(
    (listener: () => void) => manager?.subscribe(listener) ?? (() => {}),
    [manager],
  );
  const snapshot = useSyncExternalStore(
    subscribe,
    () => manager?.getSnapshot() ?? emptySnapshot,
    () => emptySnapshot,
  );

  // History: the newest page, refreshed when the version moves; older pages on demand.
  const [changeHistory, setHistory] = useState<HistoryEntry[]>([]);
  const [historyCursor, setCursor] = useState<number | null>(null);
  const [historyLoading, setHistoryLoading] = useState(false);
  const version = snapshot.version;
  const extraPages = useRef(0);
  useEffect(() => {
    if (!manager || snapshot.syncState === 'idle' || snapshot.syncState === 'opening') return;
    let cancelled = false;
    // Debounced: while someone types, the version moves every 100 ms.
    const timer = setTimeout(() => {
      void manager.loadHistory({ limit: pageSize * (1 + extraPages.current) }).then((reply) => {
        if (cancelled || !reply.ok || version < 0) return;
        setHistory(reply.result.items);
        setCursor(reply.result.nextBeforeVersion);
      });
    }, 250);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [manager, version, pageSize, snapshot.syncState]);

  const loadMoreHistory = useCallback(async () => {
    if (!manager || historyCursor === null) return;
    setHistoryLoading(true);
    const reply = await manager.loadHistory({ beforeVersion: historyCursor, limit: pageSize });
    setHistoryLoading(false);
    if (!reply.ok) return;
    extraPages.current++;
    setHistory((list) => [...list, ...reply.result.items]);
    setCursor(reply.result.nextBeforeVersion);
  }, [manager, historyCursor, pageSize]);

  const locks = snapshot.locks as Readonly<Record<string, LeaseView>>;
  const now = Date.now();
  const lock = useCallback((section: OrderSection): LeaseView | null => locks[section] ?? null, [locks]);
  const isLocked = useCallback(
    (section: OrderSection) => {
      const lease = locks[section];
      return Boolean(lease && lease.expiresAt > now && lease.userId !== userId);
    },
    [locks, now, userId],
  );
  const lockedByMe = useCallback(
    (section: OrderSection) => {
      const lease = locks[section];
      return Boolean(lease && lease.expiresAt > now && lease.userId === userId);
    },
    [locks, now, userId],
  );

  const actions = useMemo(
    () => ({
      startSync: () => manager?.startSync() ?? Promise.resolve(),
      stopSync: () => manager?.stopSync() ?? Promise.resolve(),
      /**
       * Sets a field to a value as the user sees it (the policy decides the op: text, Yjs or value); for the notes,
       * `options.caret` is the person's caret in the new value (code points), so the edit goes where it was made.
       */
      pushChange: (field: string, value: unknown, options?: PushChangeOptions) =>
        manager?.pushChange(field, value, options),
      /**
       * Saves a form draft of one field against the version the user started from, so a concurrent edit by
       * someone else is detected (manual: a conflict; last-write-wins: a recorded overwrite).
       */
      pushDraft: (field: string, value: unknown, baseVersion: number) =>
        rpcParsed(transport, 'sync.push', syncAnswers['sync.push'], {
          entityType: 'order',
          entityId,
          changes: [{ clientChangeId: randomId(), baseVersion, field, op: { type: 'set', value } }],
        }),
      applyTextOp: (op: TextOp) => manager?.applyTextOp(op),
      addLine: (line: { id: string; productId: string; quantity: number }) => manager?.addLine(line),
      removeLine: (lineId: string) => manager?.removeLine(lineId),
      acquireLock: (section: OrderSection) => manager?.acquireLock(section),
      releaseLock: (section: OrderSection) => manager?.releaseLock(section),
      refreshConflicts: () => manager?.refreshConflicts() ?? Promise.resolve(),
      resolveConflict: (
        conflictId: string,
        resolution: 'mine' | 'theirs' | 'merged',
        value?: unknown,
        reviewedVersion?: number,
      ) => manager?.resolveConflict(conflictId, resolution, value, reviewedVersion),
      undoChange: (changeId?: string) => manager?.undoChange(changeId),
      redoChange: (changeId?: string) => manager?.redoChange(changeId),
      onRemoteText: (listener: (op: TextOp, change: AppliedChange) => void) =>
        manager?.onRemoteText(listener) ?? (() => {}),
      onNotice: (listener: (notice: SyncNotice) => void) => manager?.onNotice(listener) ?? (() => {}),
      flushNow: () => manager?.flushNow(),
    }),
    [manager, transport, entityId],
  );

  return {
    manager,
    ...snapshot,
    locks,
    changeHistory,
    hasMoreHistory: historyCursor !== null,
    historyLoading,
    loadMoreHistory,
    lock,
    isLocked,
    lockedByMe,
    ...actions,
  };
}

export type RealtimeSync = ReturnType<typeof useRealtimeSync>;

/** `useRealtimeSync` for an entity named by type and id (orders are the synced type today). */
export function useEntitySync(entityType: 'order', entityId: string | null, options?: EntitySyncOptions) {
  return useRealtimeSync(entityType === 'order' ? entityId : null, options);
}

/** One section's lock of a synced entity: who holds it, and acquire/release for this user. */
export function useLock(sync: RealtimeSync, section: OrderSection) {
  const lease = sync.lock(section);
  const { acquireLock, releaseLock } = sync;
  return {
    lock: lease,
    isLocked: sync.isLocked(section),
    lockedByMe: sync.lockedByMe(section),
    acquire: useCallback(() => acquireLock(section), [acquireLock, section]),
    release: useCallback(() => releaseLock(section), [releaseLock, section]),
  };
}
