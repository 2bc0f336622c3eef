import type { SessionUser } from '../db/queries/users';
import type { Role } from '../db/schema';
import { authenticate } from '../messaging/api/authenticate';
import { getMessaging } from '../messaging/index';
import { type ErrorCode, errorCodes } from '../realtime/protocol/codes';
import { isUnavailable } from '../server/faults';
import { getServices } from '../server/services';

/**
 * The one error shape of every route handler: `{ error: { code, message, i18n, details? } }`, the code and the
 * i18n key (what the console shows a person) from the shared catalog (lib/realtime/protocol/codes.ts).
 */
export function errorBody(code: ErrorCode, message?: string, details?: Record<string, unknown>) {
  const entry = errorCodes[code];
  return {
    error: { code, message: message ?? entry.reason, i18n: entry.i18n, ...(details ? { details } : {}) },
  };
}

export function edgeError(
  code: ErrorCode,
  status: number,
  options: { message?: string; details?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Response {
  return Response.json(errorBody(code, options.message, options.details), {
    status,
    headers: { 'cache-control': 'no-store', ...options.headers },
  });
}

/**
 * The one HTTP edge of the route handlers (catalog, messaging, realtime, admin, Pusher auth): the session cookie
 * or `Authorization: Bearer <session token>` (revoked and deactivated sessions refused), the caller's token bucket
 * (429 RATE_LIMITED with Retry-After), the role (403), then the handler; a backend that cannot be reached is 503
 * UNAVAILABLE with Retry-After, anything unexpected a logged 500 INTERNAL, never a stack trace.
 */
export async function withEdge(
  request: Request,
  handler: (user: SessionUser) => Promise<Response>,
  options: { roles?: Role[] } = {},
): Promise<Response> {
  try {
    const user = await authenticate(request);
    if (!user) return edgeError('UNAUTHORIZED', 401);
    const decision = getMessaging().rateLimiter.take(user.id);
    if (!decision.allowed)
      return edgeError('RATE_LIMITED', 429, {
        headers: { 'retry-after': String(decision.retryAfterSeconds) },
      });
    if (options.roles && !options.roles.includes(user.role)) return edgeError('FORBIDDEN', 403);
    return await handler(user);
  } catch (error) {
    const path = new URL(request.url).pathname;
    if (isUnavailable(error)) {
      getServices().logger.warn({ err: String(error), path }, 'backend unavailable');
      return edgeError('UNAVAILABLE', 503, { headers: { 'retry-after': '1' } });
    }
    getServices().logger.error({ err: error, path, method: request.method }, 'api handler failed');
    return edgeError('INTERNAL', 500);
  }
}
