import type { SessionUser } from '../../db/queries/users';
import type { Role } from '../../db/schema';
import { edgeError, withEdge } from '../../http/edge';
import type { ErrorCode } from '../../realtime/protocol/codes';
import { parseClientJson } from '../../wire/json';
import type { Caller } from '../deps';
import { getMessaging, type Messaging } from '../index';
import { type Result, statusOf } from '../result';

export function errorResponse(code: ErrorCode, message?: string, headers?: Record<string, string>): Response {
  return edgeError(code, statusOf(code), {
    ...(message ? { message } : {}),
    ...(headers ? { headers } : {}),
  });
}

export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

/** A service result as a response: the value as JSON, or the error with its HTTP status. */
export function resultResponse<T>(result: Result<T>, map: (value: T) => unknown = (v) => v, status = 200) {
  return result.ok ? jsonResponse(map(result.value), status) : errorResponse(result.code, result.message);
}

export type ApiContext = { user: SessionUser; caller: Caller; messaging: Messaging };

/** Every realtime, messaging and admin route: the one HTTP edge (lib/http/edge.ts) with the messaging context. */
export function withApi(
  request: Request,
  handler: (ctx: ApiContext) => Promise<Response>,
  options: { roles?: Role[] } = {},
): Promise<Response> {
  return withEdge(
    request,
    (user) => {
      const caller: Caller = { id: user.id, tenantId: user.tenantId, name: user.name, role: user.role };
      return handler({ user, caller, messaging: getMessaging() });
    },
    options,
  );
}

/** Reads a JSON body with a size cap and a zod-like parser; a failure is a ready error response. */
export async function readJson<T>(
  request: Request,
  parse: (
    value: unknown,
  ) =>
    | { success: true; data: T }
    | { success: false; error: { issues: { message: string; path: PropertyKey[] }[] } },
  maxBytes = 64 * 1024,
): Promise<{ ok: true; value: T } | { ok: false; response: Response }> {
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBytes) {
    return { ok: false, response: errorResponse('PAYLOAD_TOO_LARGE', `Body exceeds ${maxBytes} bytes`) };
  }
  let raw: unknown;
  try {
    raw = text.length === 0 ? {} : parseClientJson(text);
  } catch {
    return { ok: false, response: errorResponse('VALIDATION', 'Body is not valid JSON') };
  }
  const parsed = parse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const message = first
      ? `${first.path.map(String).join('.') || 'body'}: ${first.message}`
      : 'Invalid body';
    return { ok: false, response: errorResponse('VALIDATION', message) };
  }
  return { ok: true, value: parsed.data };
}
