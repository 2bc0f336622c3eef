import { colorFor } from '@/components/realtime/avatar-style';

/** The shell's avatar colours (components/realtime), with the hex the carets and lock icons need. */
const hexOf: Record<string, string> = {
  'bg-sky-600': '#0284c7',
  'bg-emerald-600': '#059669',
  'bg-violet-600': '#7c3aed',
  'bg-amber-600': '#d97706',
  'bg-rose-600': '#e11d48',
  'bg-teal-600': '#0d9488',
  'bg-indigo-600': '#4f46e5',
  'bg-fuchsia-600': '#c026d3',
};

export type PersonColor = { bg: string; hex: string };

/** A stable colour per person, the same as the shell's presence avatars, so avatar, caret and lock chip match. */
export function colorOf(userId: string): PersonColor {
  const bg = colorFor(userId);
  return { bg, hex: hexOf[bg] ?? '#475569' };
}

export function initialsOf(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!] : parts;
  return (
    letters
      .map((p) => Array.from(p)[0] ?? '')
      .join('')
      .toUpperCase() || '?'
  );
}

export function Avatar({
  userId,
  name,
  size = 'md',
  dimmed = false,
  title,
}: {
  userId: string;
  name: string;
  size?: 'sm' | 'md';
  dimmed?: boolean;
  title?: string;
}) {
  const color = colorOf(userId);
  const box = size === 'sm' ? 'size-6 text-[10px]' : 'size-8 text-xs';
  return (
    <span
      title={title ?? name}
      className={`inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white ring-2 ring-white ${box} ${color.bg} ${dimmed ? 'opacity-50' : ''}`}
    >
      {initialsOf(name)}
    </span>
  );
}
