/**
 * Whether a signed, unexpired session still holds for the user as stored now: the account must be active and the
 * session issued at the user's current session version (sign out everywhere, deactivation and a password reset
 * raise it). Pure: the HTTP edge, the socket upgrade and every socket RPC ask the same question.
 */
export type SessionState = 'valid' | 'deactivated' | 'revoked';

export function sessionState(
  user: { active: boolean; sessionVersion: number },
  claims: { sessionVersion: number },
): SessionState {
  if (!user.active) return 'deactivated';
  return claims.sessionVersion === user.sessionVersion ? 'valid' : 'revoked';
}
