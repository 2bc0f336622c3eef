import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createSessionToken, inspectSessionToken, sessionKey } from '../../auth/session';
import { createTokenVerifier } from './session-cache';

const key = sessionKey('a-session-secret-of-at-least-32-bytes!!');
const other = sessionKey('another-session-secret-of-32-bytes!!!!');
const user = {
  id: '5f0c6a57-6d0c-4a77-9d3c-1f1f7d1d2a01',
  tenantId: '0b3e6c1e-2f55-4b8f-a4a4-63b7f40d2b11',
  sessionVersion: 3,
};

/** A valid token of another shape than ours (a `typ` in its header): jose checks it. */
const typedToken = () =>
  new SignJWT({ tid: user.tenantId, sv: 1 })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.id)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(key);

describe('token verifier', () => {
  it('reads our own tokens as jose does', async () => {
    const { token } = await createSessionToken(key, user, 2);
    const fast = await createTokenVerifier(key)(token);
    expect(fast).toEqual(await inspectSessionToken(key, token));
    expect(fast).toMatchObject({
      ok: true,
      claims: { userId: user.id, tenantId: user.tenantId, sessionVersion: 3 },
    });
  });

  it('answers at once (no promise) for our own tokens and remembered ones, and only waits for jose', async () => {
    const verify = createTokenVerifier(key);
    const { token } = await createSessionToken(key, user, 2);
    expect(verify(token)).not.toBeInstanceOf(Promise);
    expect(verify(token)).toMatchObject({ ok: true, claims: { userId: user.id } });
    const typed = await typedToken();
    const first = verify(typed);
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toMatchObject({ ok: true });
    expect(verify(typed)).not.toBeInstanceOf(Promise);
  });

  it('refuses a forged, re-signed or expired token with the reason jose gives', async () => {
    const verify = createTokenVerifier(key);
    const { token } = await createSessionToken(key, user, 2);
    const [header, payload, signature = ''] = token.split('.');
    const flipped = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    const foreign = (await createSessionToken(other, user, 2)).token;
    const expired = (await createSessionToken(key, user, -1)).token;
    const expiredForeign = (await createSessionToken(other, user, -1)).token;
    for (const candidate of [
      flipped,
      foreign,
      expired,
      expiredForeign,
      'not.a.token',
      `${header}.${payload}`,
    ]) {
      const check = await verify(candidate);
      expect(check).toEqual(await inspectSessionToken(key, candidate));
      expect(check.ok).toBe(false);
    }
    expect(await verify(expired)).toEqual({ ok: false, reason: 'expired' });
    expect(await verify(flipped)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('leaves a token of another shape to jose (other header or claims)', async () => {
    const verify = createTokenVerifier(key);
    const typed = await typedToken();
    expect(await verify(typed)).toEqual(await inspectSessionToken(key, typed));
    expect((await verify(typed)).ok).toBe(true);
    const notYet = await new SignJWT({ tid: user.tenantId, sv: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setNotBefore('1h')
      .setExpirationTime('2h')
      .sign(key);
    expect(await verify(notYet)).toEqual({ ok: false, reason: 'invalid' });
    const badSubject = await new SignJWT({ tid: user.tenantId, sv: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('not-a-uuid')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(key);
    expect(await verify(badSubject)).toEqual({ ok: false, reason: 'invalid' });
  });
});
