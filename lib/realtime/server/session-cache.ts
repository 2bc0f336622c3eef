import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { inspectSessionToken, type SessionCheck, type SessionClaims } from '../../auth/session';
import { systemClock } from './clock';

/** The protected header `createSessionToken` writes (`{"alg":"HS256"}`), base64url. */
const OUR_HEADER = Buffer.from('{"alg":"HS256"}').toString('base64url');
const OUR_CLAIMS = new Set(['sub', 'tid', 'sv', 'iat', 'exp']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** Whether two strings of ASCII are equal, in a time that does not depend on where they differ. */
function sameInConstantTime(given: string, expected: string): boolean {
  let difference = given.length ^ expected.length;
  for (let i = 0; i < expected.length; i++) difference |= given.charCodeAt(i) ^ expected.charCodeAt(i);
  return difference === 0;
}

/**
 * The synchronous check of a token exactly as `createSessionToken` writes it (that header, those claims): HMAC-SHA256
 * with Node's crypto in microseconds, where WebCrypto's (jose) costs a thread-pool round trip per token, which a
 * connection storm of distinct sessions pays once per socket. A good signature's claims are read as jose reads them
 * (expired when `exp` is not after now). Undefined when the token is of any other shape or its signature is not
 * the one we would write: jose decides then.
 */
function inspectOurToken(key: KeyObject, token: string, nowMs: number): SessionCheck | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== OUR_HEADER) return undefined;
  const [header = '', payload = '', signature = ''] = parts;
  const expected = createHmac('sha256', key).update(`${header}.${payload}`).digest('base64url');
  // Not the signature as we write it: jose decides (a bad signature, or the same bytes in another base64url form).
  if (!sameInConstantTime(signature, expected)) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(payload, 'base64url').toString());
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Object.keys(body).some((name) => !OUR_CLAIMS.has(name)))
    return undefined;
  // The claims lib/auth/session.ts requires (uuid subject and tenant, positive integer version, numeric times).
  if (!('sub' in body) || !('tid' in body) || !('sv' in body) || !('iat' in body) || !('exp' in body))
    return undefined;
  const { sub, tid, sv, iat, exp } = body;
  if (!isUuid(sub) || !isUuid(tid) || typeof sv !== 'number' || !Number.isInteger(sv) || sv < 1)
    return undefined;
  if (typeof iat !== 'number' || typeof exp !== 'number') return undefined;
  if (exp <= Math.floor(nowMs / 1000)) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { userId: sub, tenantId: tid, sessionVersion: sv, expiresAt: exp * 1000 } };
}

/**
 * Verified session tokens, remembered (bounded) so a reconnect storm or many tabs with the same cookie do not pay
 * the signature check again; expiry is still checked on every use. The answer is synchronous for a remembered
 * token and for one of ours (no promise per socket in a connection storm); only a token of another shape waits
 * for jose.
 */
export function createTokenVerifier(key: Uint8Array, maxEntries = 10_000) {
  const verified = new Map<string, SessionClaims>();
  const hmacKey = createSecretKey(key);
  const remember = (token: string, check: SessionCheck): SessionCheck => {
    if (!check.ok) return check;
    verified.set(token, check.claims);
    if (verified.size > maxEntries) {
      const oldest = verified.keys().next().value;
      if (oldest !== undefined) verified.delete(oldest);
    }
    return check;
  };
  return (token: string | undefined): SessionCheck | Promise<SessionCheck> => {
    if (!token) return { ok: false, reason: 'missing' };
    const hit = verified.get(token);
    if (hit) {
      if (hit.expiresAt > systemClock.now()) return { ok: true, claims: hit };
      verified.delete(token);
      return { ok: false, reason: 'expired' };
    }
    const ours = inspectOurToken(hmacKey, token, systemClock.now());
    if (ours) return remember(token, ours);
    return inspectSessionToken(key, token).then((check) => remember(token, check));
  };
}
