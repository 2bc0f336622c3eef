import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { closeCodes } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, TestClient, wsUrl } from './realtime-helpers';

const HEARTBEAT_MS = 400;

describe('realtime limits, heartbeats and slow consumers', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let cookie: string;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database, {
      WS_HEARTBEAT_MS: String(HEARTBEAT_MS),
      WS_MAX_SUBSCRIPTIONS: '3',
      WS_MESSAGES_PER_SECOND: '5',
      WS_BURST: '5',
      WS_MAX_FRAME_BYTES: '2048',
    });
    cookie = await sessionCookie(database, 'anna@siam.example');
    tenantId = (await findUserForSignIn(database.db, 'anna@siam.example'))!.tenantId;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('answers pings with pongs and sends its own pings', async () => {
    const client = await TestClient.connect(wsUrl(server), cookie);
    client.send({ type: 'ping', t: 42 });
    expect(await client.next((m) => m.type === 'pong')).toMatchObject({ type: 'pong', t: 42 });
    await client.next((m) => m.type === 'ping');
    client.close();
  });

  it('drops a silent peer within two heartbeat intervals', async () => {
    const ws = new WebSocket(wsUrl(server), { headers: { cookie } });
    let lastFrame = Date.now();
    ws.on('message', () => {
      lastFrame = Date.now();
    });
    const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
    expect(code).toBe(closeCodes.heartbeatTimeout.code);
    // The peer never answered: the server gave up within two intervals of the last frame it sent (the slack covers
    // the scheduling of this test process on a busy machine, not the server's timer).
    expect(Date.now() - lastFrame).toBeLessThanOrEqual(2 * HEARTBEAT_MS + 200);
  });

  it('refuses subscriptions past the limit', async () => {
    const client = await TestClient.connect(wsUrl(server), cookie);
    for (const channel of ['orders', 'products', 'inventory'])
      expect(await client.request({ type: 'subscribe', channel })).toMatchObject({ type: 'subscribed' });
    expect(await client.request({ type: 'subscribe', channel: 'customers' })).toMatchObject({
      ok: false,
      error: { code: 'TOO_MANY_SUBSCRIPTIONS' },
    });
    client.close();
  });

  it('rate-limits with a token bucket and closes a flood', async () => {
    const client = await TestClient.connect(wsUrl(server), cookie);
    for (let i = 0; i < 8; i++) client.send({ type: 'ping', t: i });
    const limited = await client.next((m) => m.type === 'error');
    expect(limited).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    for (let i = 0; i < 20; i++) client.send({ type: 'ping', t: i });
    expect((await client.waitClosed()).code).toBe(closeCodes.floods.code);
  });

  it('closes a frame over the size limit', async () => {
    const client = await TestClient.connect(wsUrl(server), cookie);
    client.send({ type: 'ping', t: 1, pad: 'x'.repeat(4096) });
    expect((await client.waitClosed()).code).toBe(closeCodes.frameTooLarge.code);
  });

  it('disconnects a consumer that stops reading before its buffer grows past the bound', async () => {
    // Its own server with the default heartbeat, so only the buffer bound can end the paused connection.
    const server = await startRealtimeServer(await createTestDatabase('pglite'), {
      WS_SLOW_CONSUMER_BYTES: String(256 * 1024),
    });
    const client = await TestClient.connect(wsUrl(server), cookie);
    await client.request({ type: 'subscribe', channel: 'products' });
    const before = server.services.realtime.hub.localStats().connections;
    (client.ws as unknown as { _socket: Socket })._socket.pause();
    // Incompressible, so permessage-deflate cannot shrink it below the bound.
    const big = randomBytes(45_000).toString('base64');
    let published = 0;
    await expect
      .poll(
        async () => {
          for (let i = 0; i < 10; i++) {
            await server.services.realtime.publish({
              tenantId,
              channel: 'products',
              event: 'big',
              data: big,
            });
            published++;
            // One event per turn of the event loop, so the backlog is what the kernel would not take (the
            // socket's own buffers are full), not one tick's corked writes.
            await new Promise((resolve) => setImmediate(resolve));
          }
          return server.services.realtime.hub.localStats().connections;
        },
        { timeout: 20_000 },
      )
      .toBe(before - 1);
    const metrics = (await server.services.realtime.metrics()).body;
    expect(metrics).toMatch(/osl_ws_dropped_total\{reason="slow_consumer"[^}]*\} [1-9]/);
    // Bounded: the server stopped well before it had buffered everything published for this client.
    expect(published * 60_000).toBeGreaterThan(256 * 1024);
    // The server gave up on it while it was still not reading (the poll above saw the connection dropped): the
    // close must still reach it once it reads again.
    (client.ws as unknown as { _socket: Socket })._socket.resume();
    // Reading again, it gets its backlog and then the close frame with the catalog's code (not a reset, 1006).
    expect((await client.waitClosed()).code).toBe(closeCodes.slowConsumer.code);
    await server.close();
  });
});
