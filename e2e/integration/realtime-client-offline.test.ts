import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { findUserForSignIn } from '../../lib/db/queries/users';
import type { NetworkMonitor, SocketLike } from '../../lib/realtime/client';
import { WebSocketClient } from '../../lib/realtime/client';
import type { EventMessage } from '../../lib/realtime/protocol';
import type { RunningServer } from '../../lib/server/start';
import { createTestDatabase, type TestDatabase } from '../support/test-db';
import { sessionCookie, startRealtimeServer, wsUrl } from './realtime-helpers';

/** The browser's online/offline events, driven by the test (the client's injection point for them). */
class ManualNetwork implements NetworkMonitor {
  private online = true;
  private listeners = new Set<{ up(): void; down(): void }>();
  isOnline = () => this.online;
  subscribe(up: () => void, down: () => void) {
    const entry = { up, down };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }
  goOnline() {
    this.online = true;
    for (const l of this.listeners) l.up();
  }
}

/** Real `ws` sockets carrying the session cookie; the test can cut the current one and lose chosen acks. */
class SocketControl {
  current: WebSocket | null = null;
  readonly loseAckFor = new Set<string>();
  /** The ack of the next publish sent is lost in transit. */
  loseNextPublishAck = false;
  lastPublishId = '';
  constructor(private readonly cookie: string) {}

  created = 0;

  create = (url: string): SocketLike => {
    this.created++;
    const ws = new WebSocket(url, { headers: { cookie: this.cookie } });
    this.current = ws;
    const lose = this.loseAckFor;
    // Forward everything except acks the test wants lost in transit (as if the connection died before they came).
    return {
      get readyState() {
        return ws.readyState;
      },
      set onopen(fn: SocketLike['onopen']) {
        ws.onopen = fn;
      },
      get onopen() {
        return null;
      },
      set onclose(fn: SocketLike['onclose']) {
        ws.onclose = fn ? (e) => fn({ code: e.code, reason: e.reason }) : null;
      },
      get onclose() {
        return null;
      },
      set onerror(fn: SocketLike['onerror']) {
        ws.onerror = fn;
      },
      get onerror() {
        return null;
      },
      set onmessage(fn: SocketLike['onmessage']) {
        ws.onmessage = fn
          ? (e) => {
              const text = String(e.data);
              const frame = JSON.parse(text) as { type: string; id?: string };
              if (frame.type === 'ack' && frame.id && lose.delete(frame.id)) return;
              fn({ data: text });
            }
          : null;
      },
      get onmessage() {
        return null;
      },
      send: (data: string) => {
        const frame = JSON.parse(data) as { type: string; id?: string };
        if (frame.type === 'publish' && frame.id) {
          this.lastPublishId = frame.id;
          if (this.loseNextPublishAck) lose.add(frame.id);
          this.loseNextPublishAck = false;
        }
        ws.send(data);
      },
      close: (code?: number) => ws.close(code),
    };
  };

  /** Cuts the TCP connection without a close handshake, like a network drop. */
  cut(): void {
    this.current?.terminate();
  }
}

describe('WebSocketClient against the real server: offline queue, recovery, dedupe, presence, close codes', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let tenantId: string;
  let cookie: string;

  beforeAll(async () => {
    database = await createTestDatabase('pglite');
    server = await startRealtimeServer(database, { HISTORY_SIZE: '20' });
    cookie = await sessionCookie(database, 'anna@siam.example');
    tenantId = (await findUserForSignIn(database.db, 'anna@siam.example'))!.tenantId;
  });

  afterAll(async () => {
    await server?.close();
  });

  function makeClient() {
    const network = new ManualNetwork();
    const sockets = new SocketControl(cookie);
    const client = new WebSocketClient({
      url: wsUrl(server, ''),
      createSocket: sockets.create,
      network,
      // Retries only when the test says the network is back, so publishes happen while it is down.
      reconnectInterval: 600_000,
      maxReconnectInterval: 600_000,
      heartbeatInterval: 5_000,
    });
    return { client, network, sockets };
  }

  const publish = (channel: string, n: number) =>
    server.services.realtime.publish({ tenantId, channel, event: 'changed', data: { n } });

  it('recovers exactly the missed events in order after a dropped connection, then flushes the queue once', async () => {
    const { client, network, sockets } = makeClient();
    const seen: EventMessage[] = [];
    const recoveries: Array<{ outcome: string; missed: number }> = [];
    client.on('recovery', ({ outcome, missed }) => recoveries.push({ outcome, missed }));
    const sub = client.subscribe('order:client-it', { onEvent: (e) => seen.push(e) });
    await sub.ready;
    expect(client.state.status).toBe('open');

    for (let n = 1; n <= 5; n++) await publish('order:client-it', n);
    await expect.poll(() => seen.length).toBe(5);

    sockets.cut();
    await expect.poll(() => client.state.status).toBe('reconnecting');
    for (let n = 6; n <= 10; n++) await publish('order:client-it', n);
    const queued = [11, 12, 13].map((n) => client.publish('order:client-it', 'changed', { n }));
    expect(client.queuedMessages).toBe(3);

    network.goOnline();
    await expect.poll(() => seen.length).toBe(13);
    await expect(Promise.all(queued)).resolves.toHaveLength(3);
    expect(seen.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(seen.map((e) => e.seq)).toEqual(Array.from({ length: 13 }, (_, i) => i + 1));
    expect(new Set(seen.map((e) => e.epoch)).size).toBe(1);
    expect(recoveries).toEqual([
      { outcome: 'fresh', missed: 0 },
      { outcome: 'recovered', missed: 5 },
    ]);
    expect(client.queuedMessages).toBe(0);
    expect(seen.slice(10).every((e) => e.actor?.name === 'Anna Carter')).toBe(true);
    client.destroy();
  });

  it('a publish whose ack was lost is resent with the same id after reconnecting and takes effect once', async () => {
    const { client, network, sockets } = makeClient();
    const seen: EventMessage[] = [];
    await client.subscribe('order:client-dedupe', { onEvent: (e) => seen.push(e) }).ready;
    sockets.loseNextPublishAck = true;
    const result = client.publish('order:client-dedupe', 'changed', { n: 1 });
    await expect.poll(() => seen.length).toBe(1);
    // The server applied it and its ack was lost: the client still waits for the ack.
    await expect.poll(() => sockets.loseAckFor.has(sockets.lastPublishId)).toBe(false);
    const firstId = sockets.lastPublishId;

    sockets.cut();
    await expect.poll(() => client.state.status).toBe('reconnecting');
    expect(client.queuedMessages).toBe(1);
    network.goOnline();
    await result;
    expect(sockets.lastPublishId).toBe(firstId);
    await client.publish('order:client-dedupe', 'changed', { n: 2 });
    await expect.poll(() => seen.length).toBe(2);
    expect(seen.map((e) => (e.data as { n: number }).n)).toEqual([1, 2]);
    client.destroy();
  });

  it('says recovered:false when the history no longer covers the gap, and carries on from the new position', async () => {
    const { client, network, sockets } = makeClient();
    const seen: number[] = [];
    const resets: unknown[] = [];
    await client.subscribe('order:client-reset', {
      onEvent: (e) => seen.push((e.data as { n: number }).n),
      onReset: (info) => resets.push(info),
    }).ready;
    await publish('order:client-reset', 1);
    await expect.poll(() => seen.length).toBe(1);
    sockets.cut();
    await expect.poll(() => client.state.status).toBe('reconnecting');
    for (let n = 2; n <= 40; n++) await publish('order:client-reset', n);
    network.goOnline();
    await expect.poll(() => resets.length).toBe(1);
    expect(resets[0]).toMatchObject({ channel: 'order:client-reset', seq: 40 });
    await publish('order:client-reset', 41);
    await expect.poll(() => seen).toEqual([1, 41]);
    client.destroy();
  });

  it('shares presence between two users: join with a section, move, hidden tab turns away, leave', async () => {
    const napaCookie = await sessionCookie(database, 'napa@siam.example');
    const connect = (c: string) =>
      new WebSocketClient({
        url: wsUrl(server, ''),
        createSocket: new SocketControl(c).create,
        network: new ManualNetwork(),
      });
    const anna = connect(cookie);
    const napa = connect(napaCookie);
    const room = 'order:client-presence';
    await anna.subscribe(room, {}, { presence: { location: { page: '/orders/p', section: 'summary' } } })
      .ready;
    await napa.subscribe(room, {}, { presence: { location: { page: '/orders/p', section: 'lines' } } }).ready;
    const seenByAnna = () => anna.presenceOf(room).map((m) => [m.name, m.status, m.location?.section]);
    await expect.poll(seenByAnna).toEqual([
      ['Anna Carter', 'online', 'summary'],
      ['นภา ศรีสุข', 'online', 'lines'],
    ]);
    napa.updatePresence({ location: { page: '/orders/p', section: 'notes' }, activity: 'typing' }, room);
    await expect
      .poll(() => anna.presenceOf(room).find((m) => m.name === 'นภา ศรีสุข')?.location?.section)
      .toBe('notes');
    napa.updatePresence({ hidden: true });
    await expect.poll(() => anna.presenceOf(room).find((m) => m.name === 'นภา ศรีสุข')?.status).toBe('away');
    napa.destroy();
    await expect.poll(() => anna.presenceOf(room).map((m) => m.name)).toEqual(['Anna Carter']);
    anna.destroy();
  });

  it('stops for good on a final close code from the catalog (unsupported protocol version)', async () => {
    const sockets = new SocketControl(cookie);
    const client = new WebSocketClient({
      url: wsUrl(server, '?v=99'),
      createSocket: sockets.create,
      network: new ManualNetwork(),
      reconnectInterval: 10,
    });
    await expect.poll(() => client.state.status).toBe('closed');
    expect(client.state).toMatchObject({ status: 'closed', reason: { kind: 'server', code: 4000 } });
    expect(sockets.created).toBe(1);
    client.destroy();
  });

  it('stops for good when the server has no session for it (forged cookie: 4001)', async () => {
    const sockets = new SocketControl('osl_session=forged');
    const client = new WebSocketClient({
      url: wsUrl(server, ''),
      createSocket: sockets.create,
      network: new ManualNetwork(),
      reconnectInterval: 10,
    });
    // The gateway accepts the upgrade and closes it with 4001, which the client takes as final.
    await expect.poll(() => client.state.status).toBe('closed');
    expect(client.state).toMatchObject({ status: 'closed', reason: { kind: 'session-ended', code: 4001 } });
    expect(sockets.created).toBe(1);
    client.destroy();
  });
});
