import type { Executor } from '../db/create-db';
import { findSessionUser, type SessionUser } from '../db/queries/users';
import type { SessionClaims } from './session';
import { sessionState } from './session-state';

/**
 * The user behind verified session claims, read fresh from the database: null when the user is gone, deactivated,
 * or the session was revoked (an older session version). Every HTTP edge asks this, so no page or route handler
 * serves a revoked session or an old role.
 */
export async function resolveSession(db: Executor, claims: SessionClaims): Promise<SessionUser | null> {
  const user = await findSessionUser(db, claims.userId, claims.tenantId);
  if (!user || sessionState(user, claims) !== 'valid') return null;
  return user;
}
