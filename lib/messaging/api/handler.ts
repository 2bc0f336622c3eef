import type { SessionUser } from '../../db/queries/users';
import type { Role } from '../../db/schema';
import { type ErrorCode, errorCodes } from '../../realtime/protocol/codes';
import { isUnavailable } from '../../server/faults';
import { getServices } from '../../server/services';
import type { Caller } from '../deps';
import { getMessaging, type Messaging } from '../index';
import { type Result, statusOf } from '../result';
import { authenticate } from './authenticate';

export function errorResponse(code: ErrorCode, message?: string, headers?: Record<string, string>): Response {
  return Response.json(
    { error: { code, message: message ?? errorCodes[code].reason } },
    { status: statusOf(code), headers: { 'cache-control': 'no-store', ...headers } },
  );
}

export function jsonResponse(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
}

/** A service result as a response: the value as JSON, or the error with its HTTP status. */
export function resultResponse<T>(result: Result<T>, map: (value: T) => unknown = (v) => v, status = 200) {
  return result.ok ? jsonResponse(map(result.value), status) : errorResponse(result.code, result.message);
}

export type ApiContext = { user: SessionUser; caller: Caller; messaging: Messaging };

/**
 * Every realtime and messaging route: authenticate (cookie or bearer), check the role, take a token from the
 * caller's bucket (429 with Retry-After when empty), then run the handler; an unexpected throw is a 500 with
 * a code, never a stack trace.
 */
export async function withApi(
  request: Request,
  handler: (ctx: ApiContext) => Promise<Response>,
  options: { roles?: Role[] } = {},
): Promise<Response> {
  try {
    const user = await authenticate(request);
    if (!user) return errorResponse('UNAUTHORIZED');
    const messaging = getMessaging();
    const decision = messaging.rateLimiter.take(user.id);
    if (!decision.allowed) {
      return errorResponse('RATE_LIMITED', undefined, { 'retry-after': String(decision.retryAfterSeconds) });
    }
    if (options.roles && !options.roles.includes(user.role)) return errorResponse('FORBIDDEN');
    const caller: Caller = { id: user.id, tenantId: user.tenantId, name: user.name, role: user.role };
    return await handler({ user, caller, messaging });
  } catch (error) {
    if (isUnavailable(error)) {
      getServices().logger.warn(
        { err: String(error), path: new URL(request.url).pathname },
        'backend unavailable',
      );
      return errorResponse('UNAVAILABLE', undefined, { 'retry-after': '1' });
    }
    getServices().logger.error({ err: error, path: new URL(request.url).pathname }, 'api handler failed');
    return errorResponse('INTERNAL');
  }
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
    raw = text.length === 0 ? {} : JSON.parse(text);
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
