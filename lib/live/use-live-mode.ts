'use client';

import { useEffect, useState } from 'react';
import { useWebSocketStatus } from '../hooks';
import type { LiveMode } from './live-context';

/**
 * Decides between live updates and polling: polling when realtime is switched off, or when the socket has not
 * been open for `graceMs` (a proxy that blocks WebSockets, a server that went away); live again as soon as it opens.
 */
export function useLiveMode(options: {
  realtimeEnabled: boolean;
  pollMs: number;
  graceMs: number;
}): LiveMode {
  const { status } = useWebSocketStatus();
  const open = status === 'open';
  const [unreachable, setUnreachable] = useState(false);
  const { realtimeEnabled, pollMs, graceMs } = options;

  useEffect(() => {
    if (!realtimeEnabled) return;
    if (open) {
      setUnreachable(false);
      return;
    }
    const timer = setTimeout(() => setUnreachable(true), graceMs);
    return () => clearTimeout(timer);
  }, [open, realtimeEnabled, graceMs]);

  if (!realtimeEnabled) return { realtime: false, polling: true, pollMs, reason: 'disabled' };
  if (unreachable && !open) return { realtime: true, polling: true, pollMs, reason: 'unreachable' };
  return { realtime: true, polling: false, pollMs, reason: null };
}
