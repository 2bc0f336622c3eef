import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserForSignIn, setUserRole } from '../../lib/db/queries/users';
import { closeCodes } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, TestClient, wsUrl } from './realtime-helpers';

describe('realtime access: authentication, origin, tenant, role', () => {
  let database: TestDatabase;
  let server: RunningServer;
  const cookies: Record<string, string> = {};

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database, { ALLOWED_ORIGINS: 'https://sales.example' });
    for (const email of [
      'admin@siam.example',
      'anna@siam.example',
      'viewer@siam.example',
      'olivia@northwind.example',
    ])
      cookies[email.split('@')[0]!] = await sessionCookie(database, email);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('closes without a session and with a forged cookie with the final unauthorized code (not HTTP 401)', async () => {
    // Browsers see a refused upgrade only as 1006 and would retry; a close code tells the client to stop.
    // More cases (expired session, unknown user, the client stopping) in realtime-session-end.test.ts.
    expect(await TestClient.closeCode(wsUrl(server))).toBe(closeCodes.unauthorized.code);
    const forged = await sessionCookie(
      database,
      'anna@siam.example',
      'another-secret-another-secret-another-secret',
    );
    expect(await TestClient.closeCode(wsUrl(server), forged)).toBe(closeCodes.unauthorized.code);
    expect(await TestClient.closeCode(wsUrl(server), 'osl_session=not.a.token')).toBe(
      closeCodes.unauthorized.code,
    );
  });

  it('refuses a foreign Origin with 403 and accepts the same host and the allowed origins', async () => {
    const status = await TestClient.refusedStatus(wsUrl(server), cookies.anna, {
      origin: 'https://evil.example',
    });
    expect(status).toBe(403);
    const same = await TestClient.connect(wsUrl(server), cookies.anna, {
      origin: `http://127.0.0.1:${server.port}`,
    });
    const listed = await TestClient.connect(wsUrl(server), cookies.anna, { origin: 'https://sales.example' });
    same.close();
    listed.close();
  });

  it('closes an unsupported protocol version with its close code', async () => {
    expect(await TestClient.closeCode(wsUrl(server, '?v=99'), cookies.anna)).toBe(
      closeCodes.unsupportedVersion.code,
    );
  });

  it('keeps tenants apart: the same channel name is another channel in another tenant', async () => {
    const olivia = await TestClient.connect(wsUrl(server), cookies.olivia);
    const anna = await TestClient.connect(wsUrl(server), cookies.anna);
    await olivia.request({ type: 'subscribe', channel: 'order:shared' });
    await anna.request({ type: 'subscribe', channel: 'order:shared' });
    await anna.request({ type: 'publish', channel: 'order:shared', event: 'secret', data: 'siam only' });
    await olivia.request({ type: 'publish', channel: 'order:shared', event: 'marker', data: 'northwind' });
    await expect.poll(() => anna.events('order:shared').length).toBe(1);
    await expect.poll(() => olivia.events('order:shared').length).toBe(1);
    expect(olivia.events('order:shared')[0]!.data).toBe('northwind');
    expect(anna.events('order:shared')[0]!.data).toBe('siam only');
    const anyTenant = (await findUserForSignIn(database.db, 'anna@siam.example'))!.tenantId;
    const prefixed = await olivia.request({ type: 'subscribe', channel: `${anyTenant}:orders` });
    expect(prefixed).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    olivia.close();
    anna.close();
  });

  it.each([
    ['viewer', { type: 'publish', channel: 'order:1', event: 'x', data: 1 }, 'FORBIDDEN'],
    ['anna', { type: 'publish', channel: 'orders', event: 'x', data: 1 }, 'FORBIDDEN'],
    ['anna', { type: 'subscribe', channel: 'admin' }, 'FORBIDDEN'],
    ['anna', { type: 'subscribe', channel: 'user:someone-else' }, 'FORBIDDEN'],
    ['anna', { type: 'subscribe', channel: 'conversation:c1' }, 'FORBIDDEN'],
    ['anna', { type: 'subscribe', channel: 'nonsense:kind' }, 'UNKNOWN_CHANNEL'],
    ['anna', { type: 'rpc', method: 'admin.stats', params: {} }, 'FORBIDDEN'],
    ['anna', { type: 'rpc', method: 'no.such', params: {} }, 'UNKNOWN_METHOD'],
    ['admin', { type: 'presence', channel: 'order:9', patch: { activity: 'x' } }, 'NOT_SUBSCRIBED'],
  ] as const)('%s: %j is refused with %s', async (who, message, code) => {
    const client = await TestClient.connect(wsUrl(server), cookies[who]);
    const answer = await client.request({ ...message });
    expect(answer).toMatchObject({ type: 'ack', ok: false, error: { code } });
    client.close();
  });

  it('lets an admin read the admin channel and the live statistics', async () => {
    const admin = await TestClient.connect(wsUrl(server), cookies.admin);
    expect(await admin.request({ type: 'subscribe', channel: 'admin' })).toMatchObject({
      type: 'subscribed',
    });
    const stats = await admin.request({ type: 'rpc', method: 'admin.stats', params: {} });
    expect(stats).toMatchObject({
      type: 'ack',
      ok: true,
      result: { totals: { connections: expect.any(Number) } },
    });
    admin.close();
  });

  it('a role change takes effect on open sockets: the admin channel ends with a reason', async () => {
    const admin = await TestClient.connect(wsUrl(server), cookies.admin);
    await admin.request({ type: 'subscribe', channel: 'admin' });
    await admin.request({ type: 'subscribe', channel: 'orders' });
    const user = (await findUserForSignIn(database.db, 'admin@siam.example'))!;
    await setUserRole(database.db, user.tenantId, user.id, 'sales');
    try {
      await server.services.realtime.hub.refreshUser(user.tenantId, user.id);
      const gone = await admin.next((m) => m.type === 'unsubscribed');
      expect(gone).toEqual({ type: 'unsubscribed', channel: 'admin', reason: 'ROLE_CHANGED' });
      await server.services.realtime.publish({
        tenantId: user.tenantId,
        channel: 'orders',
        event: 'still',
        data: 1,
      });
      await expect.poll(() => admin.events('orders').length).toBe(1);
      expect(await admin.request({ type: 'subscribe', channel: 'admin' })).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    } finally {
      await setUserRole(database.db, user.tenantId, user.id, 'admin');
    }
    admin.close();
  });

  it('a registered channel guard decides conversation access', async () => {
    server.services.realtime.hub.setChannelGuard(
      'conversation',
      async (user, id) => id === `with-${user.id}`,
    );
    const anna = await TestClient.connect(wsUrl(server), cookies.anna);
    const annaId = (await findUserForSignIn(database.db, 'anna@siam.example'))!.id;
    expect(await anna.request({ type: 'subscribe', channel: `conversation:with-${annaId}` })).toMatchObject({
      type: 'subscribed',
    });
    expect(await anna.request({ type: 'subscribe', channel: 'conversation:other' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    anna.close();
  });

  it('closes the connection past the per-user limit with its code', async () => {
    const limited = await startRealtimeServer(await createTestDatabase('pglite'), {
      WS_MAX_CONNECTIONS_PER_USER: '2',
    });
    try {
      const cookie = await sessionCookie(limited.services.database, 'anna@siam.example');
      const a = await TestClient.connect(wsUrl(limited), cookie);
      const b = await TestClient.connect(wsUrl(limited), cookie);
      expect(await TestClient.closeCode(wsUrl(limited), cookie)).toBe(closeCodes.tooManyConnections.code);
      a.close();
      b.close();
    } finally {
      await limited.close();
    }
  });
});
