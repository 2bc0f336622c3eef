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

/** Text ops count code points; the DOM counts UTF-16 units. These convert between the two. */
export function toCodePoint(text: string, utf16: number): number {
  return Array.from(text.slice(0, Math.max(0, utf16))).length;
}

export function toUtf16(text: string, codePoint: number): number {
  let units = 0;
  let points = 0;
  for (const char of text) {
    if (points >= codePoint) break;
    units += char.length;
    points++;
  }
  return units;
}

/**
 * Where its author's caret is right after a text op: just past the last insert (or where the last delete was).
 * Used to move a remote caret with the author's own typing even when their caret report is late or lost.
 */
export function caretAfterOp(op: readonly (number | string | { d: number | string })[]): number | null {
  let at = 0;
  let caret: number | null = null;
  for (const component of op) {
    if (typeof component === 'number') at += component;
    else if (typeof component === 'string') {
      at += Array.from(component).length;
      caret = at;
    } else caret = at;
  }
  return caret;
}
