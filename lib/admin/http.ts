import { errorResponse, jsonResponse, readJson, withApi } from '../messaging/api/handler';
import type { Result } from '../messaging/result';
import { getServices } from '../server/services';
import type { AdminCaller } from './people-service';

/**
 * The admin routes' edge: the messaging API's (session, rate limit, role, error shape) with admins only; the
 * handler gets the caller and the people service. A non-admin gets 403 before any body is read.
 */
export function withAdmin(
  request: Request,
  handler: (caller: AdminCaller, people: ReturnType<typeof getServices>['people']) => Promise<Response>,
): Promise<Response> {
  return withApi(request, async ({ caller }) => handler(caller, getServices().people), { roles: ['admin'] });
}

export function answer<T>(result: Result<T>, map: (value: T) => unknown, status = 200): Response {
  return result.ok ? jsonResponse(map(result.value), status) : errorResponse(result.code, result.message);
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `[id]` of a route, or a ready 404 (an id that cannot exist is not found, not a server error). */
export function personId(id: string): { ok: true; id: string } | { ok: false; response: Response } {
  return uuid.test(id)
    ? { ok: true, id: id.toLowerCase() }
    : { ok: false, response: errorResponse('NOT_FOUND', 'No such person in your organisation') };
}

export { readJson };
