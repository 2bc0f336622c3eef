import { hunkedTextOp } from './hunked-diff';

/**
 * The edit that turns `from` into `to` as one replaced range, in UTF-16 code units (what Yjs and the DOM count),
 * never splitting a surrogate pair: characters outside the Basic Multilingual Plane (emoji, flags, rare CJK) stay
 * whole, so no half of one is ever inserted or deleted on its own (Yjs would store it as U+FFFD).
 */
export function textEdit(from: string, to: string): { at: number; remove: number; insert: string } {
  let prefix = 0;
  const shortest = Math.min(from.length, to.length);
  while (prefix < shortest && from.charCodeAt(prefix) === to.charCodeAt(prefix)) prefix++;
  // Stopped right after a high surrogate: its pair differs, so the whole character is part of the edit.
  if (prefix > 0 && isHighSurrogate(from.charCodeAt(prefix - 1))) prefix--;
  let suffix = 0;
  const room = shortest - prefix;
  while (suffix < room && from.charCodeAt(from.length - 1 - suffix) === to.charCodeAt(to.length - 1 - suffix))
    suffix++;
  // Stopped right before a low surrogate: its high half differs, so keep the pair together in the edit.
  if (suffix > 0 && isLowSurrogate(from.charCodeAt(from.length - suffix))) suffix--;
  return {
    at: prefix,
    remove: from.length - prefix - suffix,
    insert: to.slice(prefix, to.length - suffix),
  };
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;

export type TextEdit = { at: number; remove: number; insert: string };

/**
 * The edits that turn `from` into `to`, one per place that changed (a code-point diff in hunks), in UTF-16 code
 * units of `from` and in order. Applied to a Y.Text right to left, they touch only what changed: as one replaced
 * range, an edit of two far-apart places deleted and re-inserted everything between them, so a colleague's
 * concurrent insert in that stretch lost its neighbours and landed elsewhere, split from its own text (fuzz crdt
 * seed 13 on two nodes: a crdt undo that re-inserted text in one place and removed some in another).
 * `options.caret` (code points in `to`) is where the person's caret is after the edit: text typed that repeats
 * its neighbour is then placed where it was typed, not shifted to the other side of that neighbour.
 */
export function textEdits(from: string, to: string, options: { caret?: number } = {}): TextEdit[] {
  if (from === to) return [];
  const points = Array.from(from);
  const edits: TextEdit[] = [];
  let point = 0;
  let unit = 0;
  const take = (count: number) => {
    let units = 0;
    for (let i = 0; i < count; i++) units += points[point + i]!.length;
    point += count;
    return units;
  };
  for (const component of hunkedTextOp(from, to, undefined, options)) {
    const last = edits.at(-1);
    const here = last && last.at + last.remove === unit ? last : null;
    if (typeof component === 'number') unit += take(component);
    else if (typeof component === 'string') {
      if (here) here.insert += component;
      else edits.push({ at: unit, remove: 0, insert: component });
    } else {
      const removed = take(typeof component.d === 'number' ? component.d : Array.from(component.d).length);
      // Removed right where the last edit ends: one edit (its insert replaces what is removed).
      if (here) here.remove += removed;
      else edits.push({ at: unit, remove: removed, insert: '' });
      unit += removed;
    }
  }
  return edits;
}

/**
 * Text ops count code points; the DOM counts UTF-16 units. `toCodePoint` turns a DOM offset (a caret, a
 * selection end) into a code-point offset in `text`; an offset inside a surrogate pair (never a real caret)
 * counts the whole character as before it, so a pair is never split.
 */
export function toCodePoint(text: string, utf16: number): number {
  return Array.from(text.slice(0, Math.max(0, utf16))).length;
}

/** A code-point offset in `text` as UTF-16 units (what the DOM counts). */
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
