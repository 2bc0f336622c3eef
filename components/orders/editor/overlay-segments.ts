/** Pieces of the notes overlay: text runs (highlighted when inside a commented range) and remote carets. */
export type OverlaySegment =
  | { kind: 'text'; text: string; threadIds: string[]; selectedBy: string[] }
  | { kind: 'caret'; userId: string; name: string };

export type OverlayRange = { id: string; start: number; end: number };
export type OverlayCaret = { userId: string; name: string; start: number; end: number };

/** Splits the text at every range boundary and caret so the overlay can mirror the textarea exactly. */
export function overlaySegments(
  text: string,
  ranges: readonly OverlayRange[],
  carets: readonly OverlayCaret[],
): OverlaySegment[] {
  const length = text.length;
  const clamp = (n: number) => Math.max(0, Math.min(length, n));
  const cuts = new Set<number>([0, length]);
  for (const r of ranges) {
    cuts.add(clamp(r.start));
    cuts.add(clamp(r.end));
  }
  for (const c of carets) {
    cuts.add(clamp(c.start));
    cuts.add(clamp(c.end));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: OverlaySegment[] = [];
  const caretAt = (at: number) => {
    for (const c of carets)
      if (clamp(c.end) === at) segments.push({ kind: 'caret', userId: c.userId, name: c.name });
  };
  for (let i = 0; i < points.length; i++) {
    const from = points[i]!;
    caretAt(from);
    const to = points[i + 1];
    if (to === undefined || to === from) continue;
    const threadIds = ranges
      .filter((r) => clamp(r.start) <= from && clamp(r.end) >= to && r.end > r.start)
      .map((r) => r.id);
    const selectedBy = carets
      .filter((c) => Math.min(c.start, c.end) <= from && Math.max(c.start, c.end) >= to && c.start !== c.end)
      .map((c) => c.userId);
    segments.push({ kind: 'text', text: text.slice(from, to), threadIds, selectedBy });
  }
  return segments;
}
