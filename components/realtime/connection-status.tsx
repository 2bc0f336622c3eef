'use client';

import { useEffect, useState } from 'react';
import { signInUrl } from '@/lib/auth/next-path';
import { useWebSocket } from '@/lib/hooks';
import { ConnectionBadge } from './connection-badge';

/** The sign-in page, returning to this page afterwards (only called once the session ended, in the browser). */
export function signInHere(): string {
  return signInUrl(`${window.location.pathname}${window.location.search}`);
}

/**
 * The live connection badge: connected with latency, reconnecting in N s, offline with N queued, or "Session ended"
 * with a link to sign in again and come back here.
 */
export function ConnectionStatus({ compact, className }: { compact?: boolean; className?: string }) {
  const { state, latency, queuedMessages, connect, sessionEnded } = useWebSocket();
  const [now, setNow] = useState(() => Date.now());
  const counting = state.status === 'reconnecting';
  useEffect(() => {
    if (!counting) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [counting]);
  return (
    <ConnectionBadge
      state={state}
      latency={latency}
      queued={queuedMessages}
      now={now}
      onRetry={connect}
      signInHref={sessionEnded ? signInHere() : undefined}
      compact={compact}
      className={className}
    />
  );
}
