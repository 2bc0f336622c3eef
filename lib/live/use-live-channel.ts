'use client';

import { type QueryClient, type QueryKey, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { useWebSocketChannel } from '../hooks';
import type { EventMessage } from '../realtime/protocol/messages';
import { useLive } from './live-context';
import type { Applied, LiveEvent } from './types';

/**
 * Subscribes to a channel while live updates are on (none while realtime is switched off) and hands each event to
 * `onEvent` with the query client. Every query under `resetKeys` is read again when the server could not replay what
 * the tab missed (`recovered: false`), and once when the subscription starts: a change between the server's render
 * (or the first fetch) and the subscription sends the tab no event. An event that arrives while such a read is in
 * flight may be older than the read's answer or newer: the read is repeated until one completes with no event during
 * it, so the answer never overwrites a newer patch.
 */
export function useLiveChannel(
  channel: string | null,
  resetKeys: readonly QueryKey[],
  onEvent: (event: LiveEvent, queryClient: QueryClient) => void,
): LiveChannelState {
  const { mode } = useLive();
  const queryClient = useQueryClient();
  const keys = useRef(resetKeys);
  keys.current = resetKeys;
  const heard = useRef(0);
  const readAgain = useCallback(async () => {
    for (let round = 0; round < 5; round++) {
      const before = heard.current;
      await Promise.all(keys.current.map((queryKey) => queryClient.invalidateQueries({ queryKey })));
      if (heard.current === before) return;
    }
  }, [queryClient]);
  const view = useWebSocketChannel(
    mode.realtime ? channel : null,
    (message: EventMessage) => {
      heard.current++;
      onEvent({ event: message.event, data: message.data, actor: message.actor ?? undefined }, queryClient);
    },
    { onReset: () => void readAgain(), onStart: () => void readAgain() },
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
