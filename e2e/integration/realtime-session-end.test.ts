import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createSessionToken, SESSION_COOKIE } from '../../lib/auth/session';
import { findUserForSignIn } from '../../lib/db/queries/users';
import {
  type ConnectionState,
  defaultTimers,
  type SocketLike,
  sessionEnded,
  type Timers,
  WebSocketClient,
} from '../../lib/realtime/client';
import { closeCodes } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, TEST_SECRET, TestClient, wsUrl } from './realtime-helpers';

const key = new TextEncoder().encode(TEST_SECRET);

/** A session cookie signed with the server's secret whose expiry has passed. */
async function expiredCookie(user: { id: string; tenantId: string }): Promise<string> {
  const { token } = await createSessionToken(key, user, -1);
  return `${SESSION_COOKIE}=${token}`;
}

type Ending = { status: number | null; code: number; reason: string; frames: string[] };

/**
 * Opens a raw socket, sends a subscribe the moment it opens, and reports how it ended: the HTTP status of the
 * upgrade (101 when accepted), the close code and reason, and every frame the server sent.
 */
function connectionEnding(url: string, cookie?: string): Promise<Ending> {
  const ws = new WebSocket(url, { headers: cookie ? { cookie } : {} });
  const ending: Ending = { status: null, code: 0, reason: '', frames: [] };
  ws.on('upgrade', (res) => {
    ending.status = res.statusCode ?? null;
  });
  ws.on('unexpected-response', (_req, res) => {
    ending.status = res.statusCode ?? null;
    ws.terminate();
  });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', id: 's1', channel: 'orders' })));
  ws.on('message', (data: Buffer) => ending.frames.push(data.toString()));
  ws.on('error', () => {});
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ ...ending, code, reason: reason.toString() })),
  );
}

/** Real timers that know which are still pending: none pending means nothing can start another attempt. */
class TrackedTimers implements Timers {
  private readonly live = new Set<unknown>();
  setTimeout(callback: () => void, ms: number): unknown {
    const handle = defaultTimers.setTimeout(() => {
      this.live.delete(handle);
      callback();
    }, ms);
    this.live.add(handle);
    return handle;
  }
  clearTimeout(handle: unknown): void {
    this.live.delete(handle);
    defaultTimers.clearTimeout(handle);
  }
  now(): number {
    return defaultTimers.now();
  }
  get pending(): number {
    return this.live.size;
  }
}

/** A WebSocketClient on real `ws` sockets with the given cookie, recording sockets, closes and states. */
function sessionClient(url: string, cookie?: string) {
  const timers = new TrackedTimers();
  const sockets: Array<Promise<{ code: number; reason: string }>> = [];
  const states: ConnectionState[] = [];
  const client = new WebSocketClient({
    url,
    timers,
    autoConnect: false,
    reconnectInterval: 10,
    maxReconnectInterval: 10,
    createSocket: (target) => {
      const ws = new WebSocket(target, { headers: cookie ? { cookie } : {} });
      sockets.push(
        new Promise((resolve) =>
          ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
        ),
      );
      return ws as unknown as SocketLike;
    },
  });
  client.on('state', (state) => states.push(state));
  client.connect();
  return { client, timers, sockets, states };
}

describe('realtime: a connection without a valid session is closed with a final code, not refused over HTTP', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let anna: { id: string; tenantId: string };

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database, { ALLOWED_ORIGINS: 'https://sales.example' });
    anna = (await findUserForSignIn(database.db, 'anna@siam.example'))!;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('accepts the upgrade and closes at once with 4001 Unauthorized without a cookie', async () => {
    const ending = await connectionEnding(wsUrl(server));
    expect(ending).toMatchObject({
      status: 101,
      code: closeCodes.unauthorized.code,
      reason: closeCodes.unauthorized.reason,
    });
    // The subscribe sent on open got nothing back: the socket never reached the hub.
    expect(ending.frames).toEqual([]);
  });

  it.each([
    ['a forged token', async () => sessionCookie(database, 'anna@siam.example', 'x'.repeat(48))],
    ['garbage', async () => `${SESSION_COOKIE}=not.a.token`],
    [
      'a user who does not exist',
      async () => {
        const { token } = await createSessionToken(key, { id: randomUUID(), tenantId: randomUUID() }, 1);
        return `${SESSION_COOKIE}=${token}`;
      },
    ],
  ])('closes with 4001 for %s', async (_name, cookie) => {
    const ending = await connectionEnding(wsUrl(server), await cookie());
    expect(ending).toMatchObject({ status: 101, code: closeCodes.unauthorized.code, frames: [] });
  });

  it('closes with 4014 Session expired for an expired session, whatever the protocol version', async () => {
    const cookie = await expiredCookie(anna);
    for (const query of ['?v=1', '?v=99']) {
      const ending = await connectionEnding(wsUrl(server, query), cookie);
      expect(ending).toEqual({
        status: 101,
        code: closeCodes.sessionExpired.code,
        reason: closeCodes.sessionExpired.reason,
        frames: [],
      });
    }
  });

  it('leaves no connection, presence or subscription behind on the hub', async () => {
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) =>
        connectionEnding(wsUrl(server), i % 2 ? await expiredCookie(anna) : undefined),
      ),
    );
    const { totals } = server.services.realtime.hub.stats();
    expect(totals).toMatchObject({ connections: 0, subscriptions: 0, users: 0 });
    expect(await server.services.realtime.hub.presence(anna.tenantId)).toEqual([]);
    const metrics = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();
    expect(metrics).toMatch(/^osl_ws_connections\{[^}]*\} 0$/m);
  });

  it('still refuses a foreign Origin over HTTP (403) before looking at the session', async () => {
    expect(await TestClient.refusedStatus(wsUrl(server), undefined, { origin: 'https://evil.example' })).toBe(
      403,
    );
  });

  it('a valid session still gets its welcome', async () => {
    const client = await TestClient.connect(
      wsUrl(server),
      await sessionCookie(database, 'anna@siam.example'),
    );
    expect(client.messages[0]).toMatchObject({ type: 'welcome' });
    client.close();
  });

  it.each([
    ['without a cookie', undefined, closeCodes.unauthorized, 'unauthorized'],
    ['with an expired session', 'expired', closeCodes.sessionExpired, 'expired'],
  ] as const)(
    'WebSocketClient %s stops for good: one socket, closed with the reason, no timer left',
    async (_name, kind, entry, ended) => {
      const cookie = kind === 'expired' ? await expiredCookie(anna) : undefined;
      const { client, timers, sockets, states } = sessionClient(wsUrl(server), cookie);
      await expect.poll(() => client.state.status).toBe('closed');
      expect(await sockets[0]).toEqual({ code: entry.code, reason: entry.reason });
      expect(client.state).toEqual({
        status: 'closed',
        reason: { kind: 'session-ended', code: entry.code, entry, expired: kind === 'expired' },
      });
      expect(sessionEnded(client.state)).toBe(ended);
      expect(states.map((s) => s.status)).toEqual(['connecting', 'closed']);
      // Nothing is scheduled that could open another socket (a retry would need a timer, even at 10 ms).
      expect(timers.pending).toBe(0);
      expect(sockets).toHaveLength(1);
      client.destroy();
    },
  );

  it('WebSocketClient with a valid session is not affected (opens, and retries after a server drop)', async () => {
    const { client, sockets } = sessionClient(
      wsUrl(server),
      await sessionCookie(database, 'anna@siam.example'),
    );
    await expect.poll(() => client.state.status).toBe('open');
    const first = client.state.status === 'open' ? client.state.connectionId : '';
    server.services.realtime.hub.disconnect(first, 'goingAway');
    await expect
      .poll(() => (client.state.status === 'open' ? client.state.connectionId : first))
      .not.toBe(first);
    expect(sockets).toHaveLength(2);
    client.destroy();
  });

  it('WebSocketClient stops when the server ends an open session (4014), with no retry scheduled', async () => {
    const { client, timers, sockets } = sessionClient(
      wsUrl(server),
      await sessionCookie(database, 'anna@siam.example'),
    );
    await expect.poll(() => client.state.status).toBe('open');
    const id = client.state.status === 'open' ? client.state.connectionId : '';
    server.services.realtime.hub.disconnect(id, 'sessionExpired');
    await expect.poll(() => sessionEnded(client.state)).toBe('expired');
    expect(await sockets[0]).toMatchObject({ code: closeCodes.sessionExpired.code });
    expect(timers.pending).toBe(0);
    expect(sockets).toHaveLength(1);
    client.destroy();
  });
});
