import type { PresenceStatus } from '@/lib/realtime/protocol/messages';

/** Thai vowels written before the consonant they follow in speech: never an initial. */
const leadingVowel = /^[\u0E40-\u0E44]$/u;
const combiningMark = /\p{M}/gu;

/** The first letter of a word as a person reads it: a whole grapheme cluster, leading vowels skipped. */
function firstLetter(word: string): string {
  const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of segmenter.segment(word.normalize('NFC'))) {
    if (leadingVowel.test(segment)) continue;
    // A cluster such as "สุ" or "ที่" keeps its base consonant; marks alone (a stray tone mark) are skipped.
    const base = /[\u0E00-\u0E7F]/u.test(segment) ? segment.replace(combiningMark, '') : segment;
    if (base && !/^[\p{P}\p{S}\p{M}]+$/u.test(base)) return base.toLocaleUpperCase();
  }
  return '';
}

/**
 * Up to two letters for an avatar: the first letters of the first and last word ("Anna Carter" → "AC",
 * "สมชาย ใจดี" → "สจ"), one for a single word; Thai leading vowels (เ แ โ ใ ไ) and marks are never initials.
 */
export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return '?';
  const first = firstLetter(words[0]!);
  const last = words.length > 1 ? firstLetter(words[words.length - 1]!) : '';
  return `${first}${last}` || '?';
}

const palette = [
  'bg-sky-700',
  'bg-emerald-700',
  'bg-violet-700',
  'bg-amber-700',
  'bg-rose-700',
  'bg-teal-700',
  'bg-indigo-700',
  'bg-fuchsia-700',
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
