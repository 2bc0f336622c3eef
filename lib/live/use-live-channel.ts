'use client';

import { type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useWebSocketChannel } from '../hooks';
import type { EventMessage } from '../realtime/protocol/messages';
import { useLive } from './live-context';
import type { Applied, LiveEvent } from './types';

/**
 * Subscribes to a channel while live updates are on (none while realtime is switched off) and hands each event to
 * `onEvent` with the query client; when the server could not replay what the tab missed (`recovered: false`), every
 * query under `resetKeys` is refetched.
 */
export function useLiveChannel(
  channel: string | null,
  resetKeys: readonly QueryKey[],
  onEvent: (event: LiveEvent, queryClient: QueryClient) => void,
): LiveChannelState {
  const { mode } = useLive();
  const queryClient = useQueryClient();
  const view = useWebSocketChannel(
    mode.realtime ? channel : null,
    (message: EventMessage) =>
      onEvent({ event: message.event, data: message.data, actor: message.actor ?? undefined }, queryClient),
    {
      onReset: () => {
        for (const queryKey of resetKeys) void queryClient.invalidateQueries({ queryKey });
      },
    },
  );
  return mode.polling ? 'polling' : view.status === 'active' ? 'live' : 'connecting';
}

/** What a live list shows in `data-live`: events flowing, waiting for the subscription, or polling. */
export type LiveChannelState = 'live' | 'connecting' | 'polling';

/**
 * Runs `apply` over every cached query under `prefix` (each list key ends with its filter): writes the patched
 * value in place and refetches the ones the event left unsure.
 */
export function applyToCached<T, F>(
  queryClient: QueryClient,
  prefix: QueryKey,
  apply: (value: T, filter: F) => Applied<T>,
): void {
  for (const [key, value] of queryClient.getQueriesData<T>({ queryKey: prefix })) {
    if (value === undefined) continue;
    const result = apply(value, key[key.length - 1] as F);
    if (result.value !== value) queryClient.setQueryData(key, result.value);
    if (result.refetch) void queryClient.invalidateQueries({ queryKey: key, exact: true });
  }
}
