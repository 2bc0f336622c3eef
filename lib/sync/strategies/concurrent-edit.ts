import type { ConcurrentEditor } from '../types';

export const CONCURRENT_WINDOW_MS = 5_000;

/**
 * Two users editing the same section within the window is surfaced whatever the strategy: returns the other
 * users' latest edits of that section inside the window (one entry per user, newest first).
 */
export function detectConcurrentEdits(
  recent: readonly ConcurrentEditor[],
  edit: { userId: string; section: string; at: number },
  windowMs = CONCURRENT_WINDOW_MS,
): ConcurrentEditor[] {
  const byUser = new Map<string, ConcurrentEditor>();
  for (const other of recent) {
    if (other.userId === edit.userId || other.section !== edit.section) continue;
    if (Math.abs(edit.at - other.at) > windowMs) continue;
    const known = byUser.get(other.userId);
    if (!known || known.at < other.at) byUser.set(other.userId, other);
  }
  return [...byUser.values()].sort((a, b) => b.at - a.at);
}
