'use client';

import { type QueryKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { z } from 'zod';
import { parseAnswer } from '../wire/edge';
import { useLive } from './live-context';

export class FetchError extends Error {
  constructor(readonly status: number) {
    super(`request failed with ${status}`);
  }
}

/** GETs a read API answer and parses it at the edge with its schema (a mismatch rejects: the query keeps its data). */
export async function fetchJson<S extends z.ZodType>(
  url: string,
  schema: S,
  contract = 'catalog.answer',
): Promise<z.output<S>> {
  const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new FetchError(response.status);
  const json: unknown = await response.json();
  return parseAnswer(contract, schema, json);
}

/**
 * A list (or entity) the server page rendered and events keep true: starts from the server's data (no flicker),
 * and refetches on an interval only while live updates are unavailable.
 */
export function useLiveQuery<T>(options: {
  queryKey: QueryKey;
  queryFn: () => Promise<T>;
  initialData: T;
  /** When the server read `initialData` (ms since epoch). */
  initialDataUpdatedAt: number;
}) {
  const { mode } = useLive();
  const queryClient = useQueryClient();
  // Coming back to a page whose cache went stale while nothing was listening: the server's fresher render wins.
  useState(() => {
    const state = queryClient.getQueryState(options.queryKey);
    if (state && state.dataUpdatedAt < options.initialDataUpdatedAt)
      queryClient.setQueryData(options.queryKey, options.initialData, {
        updatedAt: options.initialDataUpdatedAt,
      });
  });
  const query = useQuery({
    queryKey: options.queryKey,
    queryFn: options.queryFn,
    initialData: options.initialData,
    initialDataUpdatedAt: options.initialDataUpdatedAt,
    refetchInterval: mode.polling ? mode.pollMs : false,
    refetchIntervalInBackground: true,
  });
  return { ...query, data: query.data ?? options.initialData };
}
