'use client';

import { createContext, useContext } from 'react';
import type { WebSocketClient } from '../realtime/client';
import type { SelfPresence } from './presence-status';
import type { RealtimeStore } from './realtime-store';

export type RealtimeContextValue = {
  client: WebSocketClient;
  store: RealtimeStore;
  /** Changes this tab's chosen status, hidden flag or idle flag and tells the server. */
  setSelf(patch: Partial<SelfPresence>): void;
};

export const RealtimeContext = createContext<RealtimeContextValue | null>(null);

export function useRealtime(): RealtimeContextValue {
  const value = useContext(RealtimeContext);
  if (!value) throw new Error('Realtime hooks need a <RealtimeProvider> above them');
  return value;
}
