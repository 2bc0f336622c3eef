import { type SessionClaims, verifySessionToken } from '../../auth/session';

/**
 * Verified session tokens, remembered (bounded) so a reconnect storm or many tabs with the same cookie do not pay
 * the signature check again; expiry is still checked on every use.
 */
export function createTokenVerifier(key: Uint8Array, maxEntries = 10_000) {
  const verified = new Map<string, SessionClaims>();
  return async (token: string | undefined): Promise<SessionClaims | null> => {
    if (!token) return null;
    const hit = verified.get(token);
    if (hit) return hit.expiresAt > Date.now() ? hit : null;
    const claims = await verifySessionToken(key, token);
    if (!claims) return null;
    verified.set(token, claims);
    if (verified.size > maxEntries) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    return claims;
  };
}
