'use client';

import { useEffect, useState } from 'react';
import { useWebSocket } from '@/lib/hooks';
import { ConnectionBadge } from './connection-badge';

/** The live connection badge: connected with latency, reconnecting in N s, offline with N queued. */
export function ConnectionStatus({ compact, className }: { compact?: boolean; className?: string }) {
  const { state, latency, queuedMessages, connect } = useWebSocket();
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
      compact={compact}
      className={className}
    />
  );
}
