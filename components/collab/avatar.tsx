import { colorFor, initials } from '@/components/realtime/avatar-style';

/** The shell's avatar colours (components/realtime), with the hex the carets and lock icons need. */
const hexOf: Record<string, string> = {
  'bg-sky-700': '#0369a1',
  'bg-emerald-700': '#047857',
  'bg-violet-700': '#6d28d9',
  'bg-amber-700': '#b45309',
  'bg-rose-700': '#be123c',
  'bg-teal-700': '#0f766e',
  'bg-indigo-700': '#4338ca',
  'bg-fuchsia-700': '#a21caf',
};

export type PersonColor = { bg: string; hex: string };

/** A stable colour per person, the same as the shell's presence avatars, so avatar, caret and lock chip match. */
export function colorOf(userId: string): PersonColor {
  const bg = colorFor(userId);
  return { bg, hex: hexOf[bg] ?? '#475569' };
}

const boxes = { sm: 'size-6 text-[10px]', md: 'size-8 text-xs', lg: 'size-9 text-sm' } as const;

/**
 * The one avatar of a person: the same colour (from the user id) and the same initials (avatar-style `initials`)
 * in the sidebar, the top bar, presence lists, comments, history, toasts and the admin console.
 */
export function Avatar({
  userId,
  name,
  size = 'md',
  dimmed = false,
  title,
  decorative = false,
  ring = true,
}: {
  userId: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
  /** A person who is not active (deactivated, an undone change): grey, still readable (no opacity, which fails contrast). */
  dimmed?: boolean;
  title?: string;
  /** Beside the written name: hidden from screen readers, no tooltip. */
  decorative?: boolean;
  /** The white ring that separates overlapping avatars; off on dark backgrounds. */
  ring?: boolean;
}) {
  const color = colorOf(userId);
  const box = boxes[size];
  return (
    <span
      title={decorative ? undefined : (title ?? name)}
      aria-hidden={decorative || undefined}
      data-testid="avatar"
      data-user-id={userId}
      className={`inline-flex shrink-0 items-center justify-center rounded-full font-semibold text-white ${ring ? 'ring-2 ring-white' : ''} ${box} ${dimmed ? 'bg-slate-500' : color.bg}`}
    >
      {initials(name)}
    </span>
  );
}
