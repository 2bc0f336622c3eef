'use client';

import { type ReactNode, useContext } from 'react';
import { RealtimeProvider, type RealtimeUser } from '@/lib/hooks';
import { RealtimeContext } from '@/lib/hooks/realtime-context';

/** Uses the shell's connection when there is one, else opens one (one connection per tab either way). */
export function RealtimeBoundary({ user, children }: { user: RealtimeUser; children: ReactNode }) {
  const existing = useContext(RealtimeContext);
  if (existing) return <>{children}</>;
  return <RealtimeProvider user={user}>{children}</RealtimeProvider>;
}
