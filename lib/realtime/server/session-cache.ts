import { inspectSessionToken, type SessionCheck, type SessionClaims } from '../../auth/session';

/**
 * Verified session tokens, remembered (bounded) so a reconnect storm or many tabs with the same cookie do not pay
 * the signature check again; expiry is still checked on every use.
 */
export function createTokenVerifier(key: Uint8Array, maxEntries = 10_000) {
  const verified = new Map<string, SessionClaims>();
  return async (token: string | undefined): Promise<SessionCheck> => {
    if (!token) return { ok: false, reason: 'missing' };
    const hit = verified.get(token);
    if (hit) {
      if (hit.expiresAt > Date.now()) return { ok: true, claims: hit };
      verified.delete(token);
      return { ok: false, reason: 'expired' };
    }
    const check = await inspectSessionToken(key, token);
    if (!check.ok) return check;
    verified.set(token, check.claims);
    if (verified.size > maxEntries) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    return check;
  };
}
