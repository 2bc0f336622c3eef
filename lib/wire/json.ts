/**
 * JSON a client sent, read as I-JSON (RFC 7493): valid JSON whose strings are all well-formed Unicode. A lone UTF-16
 * surrogate written as an escape (`"\ud83d"`, which JSON.stringify writes for half an emoji) is valid JSON, but
 * PostgreSQL refuses it in every json/jsonb value, so an edit carrying one failed deep in a write as an internal
 * error, again at every retry. The WebSocket hub and the HTTP APIs read with this and refuse such a text as
 * malformed, with their usual code. What a person typed is made well-formed instead, as a browser's UTF-8 encoding
 * would (each lone surrogate becomes U+FFFD): by our WebSocket client, the sync client and the server actions' edge.
 */
export type ClientJson =
  | { ok: true; value: unknown }
  | { ok: false; reason: 'syntax' }
  /** Valid JSON, refused: `value` is what it said, for a refusal that names the request it answers. */
  | { ok: false; reason: 'unicode'; value: unknown };

export function readClientJson(text: string): ClientJson {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'syntax' };
  }
  if (mayHoldLoneSurrogate(text) && hasLoneSurrogate(value)) return { ok: false, reason: 'unicode', value };
  return { ok: true, value };
}

/**
 * Whether a JSON text may hold a lone surrogate: only an escape can write one (JSON.stringify escapes them; UTF-8
 * decoding turns raw ones into U+FFFD). A quick test; an escaped backslash before `ud800` also answers yes.
 */
export function mayHoldLoneSurrogate(json: string): boolean {
  return SURROGATE_ESCAPE.test(json);
}

/** `readClientJson` for a caller that answers every refusal alike: throws a SyntaxError. */
export function parseClientJson(text: string): unknown {
  const read = readClientJson(text);
  if (read.ok) return read.value;
  throw new SyntaxError(
    read.reason === 'syntax'
      ? 'not valid JSON'
      : 'JSON text holds a lone UTF-16 surrogate (not well-formed Unicode)',
  );
}

/** The text with each lone surrogate replaced by U+FFFD (String.prototype.toWellFormed, ES2024). */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATES, '\uFFFD');
}

/**
 * The value with every string (and object key) made well-formed (`wellFormed`): what a browser's UTF-8 encoding
 * makes of a form's text. For server actions, whose input React sends as JSON that may hold lone surrogates.
 */
export function wellFormedValue(value: unknown): unknown {
  if (typeof value === 'string') return wellFormed(value);
  if (Array.isArray(value)) return value.map(wellFormedValue);
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [wellFormed(key), wellFormedValue(item)]),
    );
  return value;
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE_SOURCE =
  '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]';
const LONE_SURROGATE = new RegExp(LONE_SURROGATE_SOURCE);
const LONE_SURROGATES = new RegExp(LONE_SURROGATE_SOURCE, 'g');

/** Whether any string of the value, or any key of its objects, holds a lone surrogate. */
function hasLoneSurrogate(value: unknown): boolean {
  if (typeof value === 'string') return LONE_SURROGATE.test(value);
  if (Array.isArray(value)) return value.some(hasLoneSurrogate);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).some(([key, item]) => LONE_SURROGATE.test(key) || hasLoneSurrogate(item));
  return false;
}
