import 'server-only';
import { cookies, headers } from 'next/headers';
import { forbidden, redirect } from 'next/navigation';
import { cache } from 'react';
import type { SessionUser } from '../db/queries/users';
import type { Role } from '../db/schema';
import { apiError } from '../http/api-response';
import { getServices } from '../server/services';
import { REQUESTED_PATH_HEADER, signInUrl } from './next-path';
import { resolveSession } from './resolve-session';
import { readCookie, SESSION_COOKIE, verifySessionToken } from './session';

export type { SessionUser };

async function userFromToken(token: string | undefined): Promise<SessionUser | null> {
  const services = getServices();
  const claims = await verifySessionToken(services.sessionKey, token);
  if (!claims) return null;
  return resolveSession(services.database.db, claims);
}

/** The signed-in user of this request (server components and actions), or null. Once per request. */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const store = await cookies();
  return userFromToken(store.get(SESSION_COOKIE)?.value);
});

/**
 * The signed-in user, or a redirect to the sign-in page that returns to the page asked for (the proxy passes its
 * path; see lib/auth/next-path.ts).
 */
export async function requireUser(): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect(signInUrl((await headers()).get(REQUESTED_PATH_HEADER)));
  return user;
}

/**
 * Signed in (else the sign-in redirect) with one of `roles`, else `forbidden()`: the nearest forbidden.tsx renders
 * with HTTP 403. Call it before anything streams (in the page itself, not inside a Suspense boundary).
 */
export async function requireRole(...roles: Role[]): Promise<SessionUser> {
  const user = await requireUser();
  if (!roles.includes(user.role)) forbidden();
  return user;
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
