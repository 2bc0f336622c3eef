'use client';

import { createContext, useContext } from 'react';
import type { ChangeNote } from './toast-grouper';
import type { Actor } from './types';

export type LiveMode = {
  /** Subscribe to channels (realtime is switched on for this deployment). */
  realtime: boolean;
  /** Refetch lists on an interval: realtime is off, or the socket has not been open for the grace period. */
  polling: boolean;
  pollMs: number;
  /** Why polling: the deployment turned realtime off, or the socket cannot connect. */
  reason: 'disabled' | 'unreachable' | null;
};

export type LiveContextValue = {
  mode: LiveMode;
  self: Actor & { role: 'admin' | 'sales' | 'viewer' };
  /** Queue a "someone changed something" toast (grouped with others arriving at the same time). */
  note(note: ChangeNote): void;
};

export const LiveContext = createContext<LiveContextValue | null>(null);

export function useLive(): LiveContextValue {
  const value = useContext(LiveContext);
  if (!value) throw new Error('Live lists need a <LiveProvider> above them');
  return value;
}
