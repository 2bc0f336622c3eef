import PusherServerLib from 'pusher';
import { describe, expect, it } from 'vitest';
import { signChannel, signUser, signWebhook, verifyChannelAuth, verifyRequest } from './signatures';

const app = { id: '42', key: 'the-key', secret: 'the-secret' };
const lib = new PusherServerLib({ appId: app.id, key: app.key, secret: app.secret, cluster: 'mt1' });

describe('signatures agree with the official pusher library', () => {
  it('signs private and presence channels', () => {
    expect(signChannel(app, '123.456', 'private-a')).toBe(lib.authorizeChannel('123.456', 'private-a').auth);
    const presence = lib.authorizeChannel('1.2', 'presence-r', { user_id: 'u1', user_info: { name: 'U' } });
    expect(signChannel(app, '1.2', 'presence-r', presence.channel_data)).toBe(presence.auth);
    expect(verifyChannelAuth(app, '1.2', 'presence-r', presence.auth, presence.channel_data)).toBe(true);
    expect(verifyChannelAuth(app, '1.3', 'presence-r', presence.auth, presence.channel_data)).toBe(false);
    expect(verifyChannelAuth(app, '1.2', 'presence-r', presence.auth, '{"user_id":"other"}')).toBe(false);
    expect(verifyChannelAuth(app, '1.2', 'presence-r', undefined, presence.channel_data)).toBe(false);
  });

  it('signs users for pusher:signin', () => {
    const reply = lib.authenticateUser('9.9', { id: 'u-1', user_info: { a: 1 } });
    expect(signUser(app, '9.9', reply.user_data)).toBe(reply.auth);
  });

  it('signs webhooks the way the library verifies them', () => {
    const body = JSON.stringify({ time_ms: 1, events: [{ name: 'channel_occupied', channel: 'x' }] });
    const headers = {
      'content-type': 'application/json',
      'x-pusher-key': app.key,
      'x-pusher-signature': signWebhook(app.secret, body),
    };
    expect(lib.webhook({ headers, rawBody: body }).isValid()).toBe(true);
    expect(lib.webhook({ headers, rawBody: `${body} ` }).isValid()).toBe(false);
  });
});

describe('verifyRequest (HTTP API signature)', () => {
  const signed = (method: string, path: string, body?: string, params?: Record<string, string>) => {
    const query = Object.fromEntries(
      new URLSearchParams(
        lib.createSignedQueryString({ method, path, body, params }) as unknown as string,
      ).entries(),
    );
    return query;
  };

  it('accepts what the library signs, GET with params and POST with a body', () => {
    const get = signed('GET', '/apps/42/channels', undefined, {
      filter_by_prefix: 'presence-',
      info: 'user_count',
    });
    expect(
      verifyRequest(
        app,
        { method: 'GET', path: '/apps/42/channels', query: get, body: Buffer.alloc(0) },
        Date.now(),
      ),
    ).toEqual({ ok: true });
    const body = '{"name":"e","data":"{}","channels":["a"]}';
    const post = signed('POST', '/apps/42/events', body);
    expect(
      verifyRequest(
        app,
        { method: 'POST', path: '/apps/42/events', query: post, body: Buffer.from(body) },
        Date.now(),
      ),
    ).toEqual({ ok: true });
  });

  it.each([
    ['a tampered body', (q: Record<string, string>) => q, '{"x":2}'],
    ['a wrong key', (q: Record<string, string>) => ({ ...q, auth_key: 'other' }), '{"x":1}'],
    ['a missing signature', (q: Record<string, string>) => ({ ...q, auth_signature: '' }), '{"x":1}'],
    ['another version', (q: Record<string, string>) => ({ ...q, auth_version: '2.0' }), '{"x":1}'],
    ['an extra parameter', (q: Record<string, string>) => ({ ...q, extra: '1' }), '{"x":1}'],
  ])('refuses %s with 401', (_name, mutate, sentBody) => {
    const query = mutate(signed('POST', '/apps/42/events', '{"x":1}'));
    const verdict = verifyRequest(
      app,
      { method: 'POST', path: '/apps/42/events', query, body: Buffer.from(sentBody) },
      Date.now(),
    );
    expect(verdict).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses timestamps more than 600 s away', () => {
    const query = signed('GET', '/apps/42/channels');
    const signedAt = Number(query.auth_timestamp) * 1000;
    const check = (at: number) =>
      verifyRequest(app, { method: 'GET', path: '/apps/42/channels', query, body: Buffer.alloc(0) }, at).ok;
    expect(check(signedAt + 599_000)).toBe(true);
    expect(check(signedAt + 601_000)).toBe(false);
    expect(check(signedAt - 601_000)).toBe(false);
  });
});
