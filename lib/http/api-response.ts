import { type ErrorCode, errorCodes } from '../realtime/protocol/codes';

/** The one shape of an API error: `{ error: { code, message } }`, codes from the shared catalog. */
export function apiError(code: ErrorCode, status: number, message?: string): Response {
  const entry = errorCodes[code];
  return Response.json({ error: { code, message: message ?? entry.reason, i18n: entry.i18n } }, { status });
}

export function apiJson(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}
