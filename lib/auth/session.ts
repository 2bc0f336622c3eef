import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';

export const SESSION_COOKIE = 'osl_session';

// `sv`: the user's session version when the token was issued (absent on tokens from before versions: 1).
const claims = z.object({
  sub: z.string().uuid(),
  tid: z.string().uuid(),
  sv: z.number().int().positive().default(1),
});
export type SessionClaims = { userId: string; tenantId: string; sessionVersion: number; expiresAt: number };

/** The session key from the configured secret (HS256, at least 32 bytes). */
export function sessionKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

export async function createSessionToken(
  key: Uint8Array,
  user: { id: string; tenantId: string; sessionVersion?: number },
  ttlHours: number,
): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + ttlHours * 3600_000);
  const token = await new SignJWT({ tid: user.tenantId, sv: user.sessionVersion ?? 1 })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key);
  return { token, expiresAt };
}

/**
 * What a session token amounts to. `expired` is only said of a token we signed (the signature is checked before the
 * expiry), so it is safe to tell the client its session ran out rather than that it never had one.
 */
export type SessionCheck =
  | { ok: true; claims: SessionClaims }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

export async function inspectSessionToken(key: Uint8Array, token: string | undefined): Promise<SessionCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
    const parsed = claims.safeParse(payload);
    if (!parsed.success || typeof payload.exp !== 'number') return { ok: false, reason: 'invalid' };
    return {
      ok: true,
      claims: {
        userId: parsed.data.sub,
        tenantId: parsed.data.tid,
        sessionVersion: parsed.data.sv,
        expiresAt: payload.exp * 1000,
      },
    };
  } catch (error) {
    return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** Null for anything that is not a valid, unexpired token signed with our key. */
export async function verifySessionToken(
  key: Uint8Array,
  token: string | undefined,
): Promise<SessionClaims | null> {
  const check = await inspectSessionToken(key, token);
  return check.ok ? check.claims : null;
}

/** Reads one cookie from a raw `Cookie` header (the WebSocket upgrade has no Next cookie helpers). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      try {
        return value.includes('%') ? decodeURIComponent(value) : value;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
