import 'server-only';
import { getCurrentUser, type SessionUser } from '../auth/current-user';
import type { Role } from '../db/schema';
import { getMessaging } from '../messaging/index';
import { type ErrorCode, errorCodes } from '../realtime/protocol/codes';
import { isUnavailable } from '../server/faults';
import { getServices } from '../server/services';
import { wellFormedValue } from '../wire/json';

/** What a server action answers: the value, or the one error shape of the HTTP edge (code, message, i18n key). */
export type ActionError = {
  code: ErrorCode;
  message: string;
  i18n: string;
  details?: Record<string, unknown>;
};
export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: ActionError };

type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode; message: string; details?: Record<string, unknown> } };

/** The largest input a server action takes, measured as JSON (the same limit as the catalog's REST bodies). */
export const MAX_ACTION_INPUT_BYTES = 128 * 1024;

export function actionError(
  code: ErrorCode,
  message?: string,
  details?: Record<string, unknown>,
): { ok: false; error: ActionError } {
  const entry = errorCodes[code];
  return {
    ok: false,
    error: { code, message: message ?? entry.reason, i18n: entry.i18n, ...(details ? { details } : {}) },
  };
}

function inputBytes(input: unknown): number {
  if (input === undefined) return 0;
  try {
    return Buffer.byteLength(JSON.stringify(input) ?? '', 'utf8');
  } catch {
    // Not JSON at all (a cycle, a BigInt): larger than anything an action takes.
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * The HTTP edge of the server actions, as withEdge (lib/http/edge.ts) is of the route handlers: the session cookie
 * (revoked and deactivated sessions refused), the caller's token bucket shared with the REST API (RATE_LIMITED),
 * the input size (PAYLOAD_TOO_LARGE), the role (FORBIDDEN), then the work, whose own zod validation answers
 * VALIDATION with per-field details. A backend that cannot be reached is UNAVAILABLE, anything unexpected a logged
 * INTERNAL; an action never throws to the form.
 */
export async function withActionEdge<T>(
  name: string,
  input: unknown,
  work: (user: SessionUser, input: unknown) => Promise<Outcome<T>>,
  options: { roles?: Role[] } = {},
): Promise<ActionResult<T>> {
  try {
    const user = await getCurrentUser();
    if (!user) return actionError('UNAUTHORIZED');
    const decision = getMessaging().rateLimiter.take(user.id);
    if (!decision.allowed)
      return actionError('RATE_LIMITED', undefined, { retryAfterSeconds: decision.retryAfterSeconds });
    const size = inputBytes(input);
    if (size > MAX_ACTION_INPUT_BYTES)
      return actionError('PAYLOAD_TOO_LARGE', `Input exceeds ${MAX_ACTION_INPUT_BYTES} bytes`, {
        maxBytes: MAX_ACTION_INPUT_BYTES,
      });
    if (options.roles && !options.roles.includes(user.role)) return actionError('FORBIDDEN');
    // Text a person typed is stored as the browser would have sent it in a form: a lone surrogate (half an emoji
    // from a paste) becomes U+FFFD, where PostgreSQL's json refused it and the action failed as INTERNAL.
    const outcome = await work(user, wellFormedValue(input));
    if (outcome.ok) return outcome;
    return actionError(outcome.error.code, outcome.error.message, outcome.error.details);
  } catch (error) {
    if (isUnavailable(error)) {
      getServices().logger.warn({ err: String(error), action: name }, 'backend unavailable');
      return actionError('UNAVAILABLE');
    }
    getServices().logger.error({ err: error, action: name }, 'server action failed');
    return actionError('INTERNAL');
  }
}
