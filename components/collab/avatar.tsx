const palette = [
  { bg: 'bg-sky-500', text: 'text-sky-700', ring: 'ring-sky-400', hex: '#0ea5e9' },
  { bg: 'bg-violet-500', text: 'text-violet-700', ring: 'ring-violet-400', hex: '#8b5cf6' },
  { bg: 'bg-amber-500', text: 'text-amber-700', ring: 'ring-amber-400', hex: '#f59e0b' },
  { bg: 'bg-emerald-500', text: 'text-emerald-700', ring: 'ring-emerald-400', hex: '#10b981' },
  { bg: 'bg-rose-500', text: 'text-rose-700', ring: 'ring-rose-400', hex: '#f43f5e' },
  { bg: 'bg-teal-500', text: 'text-teal-700', ring: 'ring-teal-400', hex: '#14b8a6' },
  { bg: 'bg-fuchsia-500', text: 'text-fuchsia-700', ring: 'ring-fuchsia-400', hex: '#d946ef' },
  { bg: 'bg-orange-500', text: 'text-orange-700', ring: 'ring-orange-400', hex: '#f97316' },
] as const;

export type PersonColor = (typeof palette)[number];

/** A stable colour per person, so their avatar, caret and lock chip match everywhere. */
export function colorOf(userId: string): PersonColor {
  // FNV-1a: uuids differ mostly in a few characters, so a plain sum collides too often.
  let hash = 0x811c9dc5;
  for (let i = 0; i < userId.length; i++) hash = Math.imul(hash ^ userId.charCodeAt(i), 0x01000193);
  return palette[(hash >>> 0) % palette.length]!;
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
