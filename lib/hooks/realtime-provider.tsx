'use client';

import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { type ClientOptions, WebSocketClient } from '../realtime/client';
import { createActivityMonitor } from './activity-monitor';
import type { SelfPresence } from './presence-status';
import { RealtimeContext, type RealtimeContextValue } from './realtime-context';
import { bindClientToStore, createRealtimeStore, type RealtimeUser } from './realtime-store';

export type RealtimeProviderProps = {
  /** The signed-in user (null: no connection is made). */
  user: RealtimeUser | null;
  /** The gateway path or URL (default "/ws"). */
  url?: string;
  /** Client options (timers, back-off, queue size, debug…). */
  options?: Partial<Omit<ClientOptions, 'url' | 'autoConnect'>>;
  /** No input for this long turns the user away (default 5 minutes). */
  idleMs?: number;
  /**
   * Report the page's pathname as this user's tenant-wide location whenever it changes (default true), so "who is
   * where" and page-based viewer counts work without every page doing it.
   */
  trackPathname?: boolean;
  children: ReactNode;
};

/**
 * One WebSocket connection per tab, shared by every realtime hook below it. Also tells the server when the tab is
 * hidden or the user idle, so presence shows them as away.
 */
export function RealtimeProvider({
  user,
  url = '/ws',
  options,
  idleMs,
  trackPathname = true,
  children,
}: RealtimeProviderProps) {
  const [client] = useState(() => new WebSocketClient({ ...options, url, autoConnect: false }));
  const [store] = useState(() => createRealtimeStore(user));
  const userId = user?.id ?? null;

  useEffect(() => bindClientToStore(client, store), [client, store]);

  useEffect(() => {
    if (!userId) return;
    client.connect();
    return () => client.disconnect();
  }, [client, userId]);

  useEffect(() => {
    if (typeof document === 'undefined' || !userId) return;
    return createActivityMonitor({
      target: document,
      idleMs,
      onChange: ({ hidden, idle }) => {
        const previous = store.getState().self;
        if (previous.hidden !== hidden) client.updatePresence({ hidden });
        store.setState({ self: { ...previous, hidden, idle } });
      },
      onBeacon: () => client.updatePresence({}),
    });
  }, [client, store, userId, idleMs]);

  useEffect(() => {
    if (!trackPathname || typeof window === 'undefined' || !userId) return;
    let last = '';
    const check = () => {
      const page = window.location.pathname;
      if (page === last) return;
      last = page;
      client.updatePresence({ location: { page } });
    };
    check();
    // Client-side navigation changes the path without an event every router emits: a cheap look once a second.
    const timer = setInterval(check, 1000);
    window.addEventListener('popstate', check);
    return () => {
      clearInterval(timer);
      window.removeEventListener('popstate', check);
    };
  }, [client, userId, trackPathname]);

  useEffect(() => {
    if (user) store.setState((state) => ({ user: state.welcome ? state.user : user }));
  }, [store, user]);

  const value = useMemo<RealtimeContextValue>(
    () => ({
      client,
      store,
      setSelf(patch: Partial<SelfPresence>) {
        const self = { ...store.getState().self, ...patch };
        store.setState({ self });
        if (patch.chosen) client.updatePresence({ status: patch.chosen });
      },
    }),
    [client, store],
  );

  return <RealtimeContext.Provider value={value}>{children}</RealtimeContext.Provider>;
}
