'use client';

import { useEffect, useState } from 'react';
import { useWebSocketStatus } from '../hooks';
import type { LiveMode } from './live-context';

/**
 * Decides between live updates and polling: polling when realtime is switched off, or when the socket has not
 * been open for `graceMs` (a proxy that blocks WebSockets, a server that went away); live again as soon as it opens.
 * Never when the session ended: every request would be refused too, and the badge already asks to sign in again.
 */
export function useLiveMode(options: {
  realtimeEnabled: boolean;
  pollMs: number;
  graceMs: number;
}): LiveMode {
  const { status, sessionEnded } = useWebSocketStatus();
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

  return liveModeFor({ realtimeEnabled, pollMs, open, unreachable, sessionEnded: sessionEnded !== null });
}

/** The decision itself, pure: see useLiveMode. */
export function liveModeFor(input: {
  realtimeEnabled: boolean;
  pollMs: number;
  open: boolean;
  unreachable: boolean;
  sessionEnded: boolean;
}): LiveMode {
  const { realtimeEnabled, pollMs, open, unreachable, sessionEnded } = input;
  if (!realtimeEnabled) return { realtime: false, polling: true, pollMs, reason: 'disabled' };
  if (sessionEnded) return { realtime: true, polling: false, pollMs, reason: null };
  if (unreachable && !open) return { realtime: true, polling: true, pollMs, reason: 'unreachable' };
  return { realtime: true, polling: false, pollMs, reason: null };
}
