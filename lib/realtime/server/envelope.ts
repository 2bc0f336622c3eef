/** Bus payloads and ack frames, encoded by hand on the hot path. */
import type { ErrorCode } from '../protocol';

export function errorAck(id: string, code: ErrorCode, message: string, details?: unknown): string {
  return JSON.stringify({
    type: 'ack',
    id,
    ok: false,
    error: { code, message, ...(details === undefined ? {} : { details }) },
  });
}

/** Splits off the first n newline-separated fields; the rest (which may contain newlines) is the last part. */
export function splitN(text: string, n: number): string[] | null {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const at = text.indexOf('\n', start);
    if (at === -1) return null;
    parts.push(text.slice(start, at));
    start = at + 1;
  }
  parts.push(text.slice(start));
  return parts;
}
