import { resolveSession } from '../../auth/resolve-session';
import { readCookie, SESSION_COOKIE, verifySessionToken } from '../../auth/session';
import type { SessionUser } from '../../db/queries/users';
import { getServices } from '../../server/services';

/** The token of a request: `Authorization: Bearer <session token>` first, else the session cookie. */
export function requestToken(request: Request): string | undefined {
  const header = request.headers.get('authorization');
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
    return match?.[1];
  }
  return readCookie(request.headers.get('cookie') ?? undefined, SESSION_COOKIE);
}

/** The user behind a session cookie or a bearer token (the same signed session token), or null. */
export async function authenticate(request: Request): Promise<SessionUser | null> {
  const services = getServices();
  const claims = await verifySessionToken(services.sessionKey, requestToken(request));
  if (!claims) return null;
  return resolveSession(services.database.db, claims);
}
