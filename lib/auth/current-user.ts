import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { findSessionUser, type SessionUser } from '../db/queries/users';
import type { Role } from '../db/schema';
import { apiError } from '../http/api-response';
import { getServices } from '../server/services';
import { readCookie, SESSION_COOKIE, verifySessionToken } from './session';

export type { SessionUser };

async function userFromToken(token: string | undefined): Promise<SessionUser | null> {
  const services = getServices();
  const claims = await verifySessionToken(services.sessionKey, token);
  if (!claims) return null;
  return findSessionUser(services.database.db, claims.userId, claims.tenantId);
}

/** The signed-in user of this request (server components and actions), or null. Once per request. */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const store = await cookies();
  return userFromToken(store.get(SESSION_COOKIE)?.value);
});

/** The signed-in user, or a redirect to the sign-in page. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect('/sign-in');
  return user;
}

export type RoleCheck = { allowed: true; user: SessionUser } | { allowed: false; user: SessionUser };

/** Signed in (else redirect) and one of `roles`? The page decides how to refuse (a 403-style page). */
export async function requireRole(...roles: Role[]): Promise<RoleCheck> {
  const user = await requireUser();
  return roles.includes(user.role) ? { allowed: true, user } : { allowed: false, user };
}

export type ApiUserResult = { ok: true; user: SessionUser } | { ok: false; response: Response };

/** For route handlers: the user behind the request's session cookie, or a ready 401/403 JSON response. */
export async function requireApiUser(
  request: Request,
  options: { roles?: Role[] } = {},
): Promise<ApiUserResult> {
  const user = await userFromToken(readCookie(request.headers.get('cookie') ?? undefined, SESSION_COOKIE));
  if (!user) return { ok: false, response: apiError('UNAUTHORIZED', 401) };
  if (options.roles && !options.roles.includes(user.role)) {
    return { ok: false, response: apiError('FORBIDDEN', 403) };
  }
  return { ok: true, user };
}
