import type { PresenceStatus } from '@/lib/realtime/protocol/messages';

/** Up to two letters for an avatar: first and last word initials, or the first letter for one word (Thai too). */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = [...words[0]!][0] ?? '?';
  if (words.length === 1) return first.toUpperCase();
  const last = [...words[words.length - 1]!][0] ?? '';
  return `${first}${last}`.toUpperCase();
}

const palette = [
  'bg-sky-600',
  'bg-emerald-600',
  'bg-violet-600',
  'bg-amber-600',
  'bg-rose-600',
  'bg-teal-600',
  'bg-indigo-600',
  'bg-fuchsia-600',
];

/** A stable colour per user, so the same person keeps the same avatar and cursor colour everywhere. */
export function colorFor(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return palette[hash % palette.length]!;
}

export const statusDot: Record<PresenceStatus, string> = {
  online: 'bg-emerald-500',
  away: 'bg-amber-400',
  busy: 'bg-rose-500',
  offline: 'bg-slate-400',
};

/** How many avatars to show and how many collapse into "+N". */
export function splitDisplay<T>(items: readonly T[], maxDisplay: number): { shown: T[]; hidden: number } {
  const max = Math.max(0, Math.floor(maxDisplay));
  if (items.length <= max) return { shown: [...items], hidden: 0 };
  // Showing "+1" in place of the one avatar that would fit is silly: show max-1 and "+N" only when N >= 2.
  const shown = items.slice(0, Math.max(0, max - 1));
  return { shown, hidden: items.length - shown.length };
}
