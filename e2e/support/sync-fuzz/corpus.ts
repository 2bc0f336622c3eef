/**
 * Text the fuzz clients type: pieces that break naive string handling (surrogate pairs, combining marks, ZWJ
 * sequences, regional-indicator flags, skin tones), plus unique marker tokens whose survival is checked at the end.
 */
export const corpus = [
  'ok',
  'call me',
  ' ',
  '\n',
  'x',
  'น้ำ',
  'ที่',
  'กั้น',
  'ส่งด่วน',
  'ครับ',
  '👍🏽',
  '👍',
  '😀',
  '🇹🇭',
  '🇯🇵',
  '👩‍💻',
  '👨‍👩‍👧',
  '𠀀',
  '𩸽',
  'é',
  'n\u0303',
  'a\u0301\u0302',
  'Ω',
] as const;

/** Markers look like `{c2.14}`; the filler never contains braces, so a marker is found by a regular expression. */
export const markerPattern = /\{c\d+\.\d+\}/g;

export const markerOf = (client: number, n: number) => `{c${client}.${n}}`;

/** Start and end (UTF-16 offsets) of every marker in a text. */
export function markerSpans(text: string): Array<[number, number]> {
  return [...text.matchAll(markerPattern)].map((m) => [m.index, m.index + m[0].length]);
}

/** A lone surrogate or U+FFFD: text that went through a step that split a character. */
export function brokenText(text: string): string | null {
  if (text.includes('\uFFFD')) return 'U+FFFD';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return `lone high surrogate at ${i}`;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return `lone low surrogate at ${i}`;
  }
  return null;
}

/** UTF-16 offsets of code point boundaries (never inside a surrogate pair), 0 and length included. */
export function codePointBoundaries(text: string): number[] {
  const out = [0];
  let at = 0;
  for (const ch of text) {
    at += ch.length;
    out.push(at);
  }
  return out;
}

/**
 * Where a caret may go: code point boundaries outside markers (a boundary at a marker's edge is fine). With
 * `graphemes`, only grapheme cluster boundaries (what arrow keys reach).
 */
export function caretPositions(text: string, graphemes: boolean): number[] {
  const spans = markerSpans(text);
  const inside = (at: number) => spans.some(([start, end]) => at > start && at < end);
  const boundaries = graphemes
    ? [
        0,
        ...[...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map(
          (s) => s.index + s.segment.length,
        ),
      ]
    : codePointBoundaries(text);
  return boundaries.filter((at) => !inside(at));
}

/** Filler runs (between markers) as [start, end) UTF-16 ranges, non-empty. */
export function fillerRuns(text: string): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let at = 0;
  for (const [start, end] of markerSpans(text)) {
    if (start > at) runs.push([at, start]);
    at = end;
  }
  if (text.length > at) runs.push([at, text.length]);
  return runs;
}
