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
