import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUserForSignIn } from '../../lib/db/queries/users';
import { WebSocketClient } from '../../lib/realtime/client/websocket-client';
import type { EventMessage } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { nodeSocket } from '../support/node-socket';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, wsUrl } from './realtime-helpers';

// The real WebSocketClient against the real server: reconnect, resubscribe with the last position, recover.
describe('realtime server with the real client', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let cookie: string;
  let tenantId: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database);
    cookie = await sessionCookie(database, 'napa@siam.example');
    tenantId = (await findUserForSignIn(database.db, 'napa@siam.example'))!.tenantId;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('reconnects after the server drops it and recovers exactly the missed events in order', async () => {
    const client = new WebSocketClient({
      url: wsUrl(server),
      reconnectInterval: 200,
      reconnectJitter: 0,
      createSocket: (url) => nodeSocket(url, cookie),
    });
    const events: EventMessage[] = [];
    const recoveries: string[] = [];
    const states: string[] = [];
    client.on('recovery', (r) => recoveries.push(r.outcome));
    client.on('state', (s) => states.push(s.status));
    let connectionId = '';
    client.on('welcome', (w) => {
      connectionId = w.connectionId;
    });
    const subscription = client.subscribe('orders', { onEvent: (e) => events.push(e) });
    await subscription.ready;
    const publish = (i: number) =>
      server.services.realtime.publish({ tenantId, channel: 'orders', event: 'n', data: i });
    for (let i = 0; i < 5; i++) await publish(i);
    await expect.poll(() => events.length).toBe(5);

    const dropped = connectionId;
    server.services.realtime.hub.disconnect(dropped, 'goingAway');
    await expect.poll(() => states.at(-1)).not.toBe('open');
    for (let i = 5; i < 10; i++) await publish(i);

    await expect.poll(() => events.length).toBe(10);
    expect(events.map((e) => e.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(connectionId).not.toBe(dropped);
    expect(recoveries.at(-1)).toBe('recovered');
    client.destroy();
  });
});
