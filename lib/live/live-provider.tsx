'use client';

import { QueryClient, QueryClientProvider, useQueryClient } from '@tanstack/react-query';
import { usePathname } from 'next/navigation';
import { type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RealtimeNotices, Toaster, ToastProvider, useToast } from '../../components/realtime';
import { useTrackLocation } from '../hooks';
import { LiveContext, type LiveContextValue } from './live-context';
import { liveKeys } from './query-keys';
import { createToastGrouper, type GroupedNote } from './toast-grouper';
import { useLiveMode } from './use-live-mode';

export type LiveSettings = {
  /** REALTIME_ENABLED of the running server (read at request time, not baked into the bundle). */
  realtimeEnabled: boolean;
  /** Polling interval while live updates are unavailable. */
  pollSeconds: number;
  /** How long the socket may stay closed before lists fall back to polling. */
  graceMs?: number;
};

/**
 * The signed-in pages' client providers: one react-query cache, the toasts, this tab's page location (page-based
 * viewer counts), and the live/polling decision the live lists follow.
 */
export function LiveProvider({
  settings,
  user,
  children,
}: {
  settings: LiveSettings;
  user: LiveContextValue['self'];
  children: ReactNode;
}) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 30_000, refetchOnWindowFocus: false, retry: 1 } },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <LiveState settings={settings} user={user}>
          {children}
        </LiveState>
        <TrackPage />
        <RealtimeNotices />
        <Toaster />
      </ToastProvider>
    </QueryClientProvider>
  );
}

function TrackPage() {
  useTrackLocation(usePathname());
  return null;
}

function LiveState({
  settings,
  user,
  children,
}: {
  settings: LiveSettings;
  user: LiveContextValue['self'];
  children: ReactNode;
}) {
  const { t, i18n } = useTranslation('live');
  const queryClient = useQueryClient();
  const { push } = useToast();
  const mode = useLiveMode({
    realtimeEnabled: settings.realtimeEnabled,
    pollMs: settings.pollSeconds * 1000,
    graceMs: settings.graceMs ?? 4000,
  });

  // Back from polling to live: refetch once, so nothing that happened between the last poll and the resubscribe
  // is missed; from then on events keep the lists true.
  const wasPolling = useRef(mode.polling);
  useEffect(() => {
    if (wasPolling.current && !mode.polling)
      for (const key of [liveKeys.products, liveKeys.orders, liveKeys.customers])
        void queryClient.invalidateQueries({ queryKey: key });
    wasPolling.current = mode.polling;
  }, [mode.polling, queryClient]);

  const show = useRef<(note: GroupedNote) => void>(() => {});
  show.current = (note) => {
    if (note.kind === 'single') {
      push({ title: note.text, actor: note.actor });
      return;
    }
    const names = new Intl.ListFormat(i18n.language, { type: 'conjunction' }).format(
      note.actors.map((a) => a.name),
    );
    push({
      title: t('toasts.group', { names, count: note.changes }),
      actor: note.actors.length === 1 ? note.actors[0] : undefined,
    });
  };
  const [grouper] = useState(() => createToastGrouper({ emit: (note) => show.current(note) }));
  useEffect(() => () => grouper.dispose(), [grouper]);

  const value = useMemo<LiveContextValue>(
    () => ({
      mode,
      self: user,
      note: (note) => {
        if (note.actor.id !== user.id) grouper.add(note);
      },
    }),
    [mode, user, grouper],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}
