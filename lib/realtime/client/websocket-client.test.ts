import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventMessage, Member } from '../protocol/messages';
import type { ClientOptions } from './options';
import type { ConnectionState } from './state';
import { FakeNetwork, FakeSocket } from './test-support';
import { type ClientEvents, WebSocketClient } from './websocket-client';

let sockets: FakeSocket[];
let network: FakeNetwork;

function makeClient(options: Partial<ClientOptions> = {}) {
  let counter = 0;
  return new WebSocketClient({
    url: 'ws://test/ws',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    network,
    random: () => 0,
    createId: () => `m${++counter}`,
    reconnectInterval: 1000,
    reconnectDecay: 2,
    maxReconnectInterval: 8000,
    heartbeatInterval: 10_000,
    ackTimeout: 5000,
    ...options,
  });
}

const last = () => sockets[sockets.length - 1]!;

function record<K extends keyof ClientEvents>(client: WebSocketClient, type: K): ClientEvents[K][] {
  const seen: ClientEvents[K][] = [];
  client.on(type, (payload) => seen.push(payload));
  return seen;
}

function event(channel: string, epoch: string, seq: number, data: unknown = seq): EventMessage {
  return { type: 'event', channel, epoch, seq, event: 'changed', data, ts: 0 };
}

function member(userId: string, name: string, updatedAt: number): Member {
  return { userId, name, role: 'sales', status: 'online', connections: 1, updatedAt };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
  sockets = [];
  network = new FakeNetwork();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('WebSocketClient: connection life cycle', () => {
  it('connects with the protocol version and opens on welcome', () => {
    const client = makeClient();
    const states = record(client, 'state');
    expect(client.state).toEqual({ status: 'connecting', attempt: 0 });
    expect(last().url).toBe('ws://test/ws?v=1');
    last().accept();
    expect(states.map((s) => s.status)).toEqual(['open']);
    expect(client.welcome?.user.name).toBe('Anna');
  });

  it('stays idle without autoConnect until connect()', () => {
    const client = makeClient({ autoConnect: false });
    expect(client.state.status).toBe('idle');
    expect(sockets).toHaveLength(0);
    client.connect();
    expect(sockets).toHaveLength(1);
  });

  it('reconnects with exponential back-off and resets the attempt after a welcome', () => {
    const client = makeClient();
    last().accept();
    last().drop(1006);
    expect(client.state).toEqual({
      status: 'reconnecting',
      attempt: 1,
      nextAttemptAt: 1_001_000,
      lastCode: 1006,
    });
    vi.advanceTimersByTime(999);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(client.state).toEqual({ status: 'connecting', attempt: 1 });
    last().drop(1006);
    expect(client.state).toMatchObject({
      status: 'reconnecting',
      attempt: 2,
      nextAttemptAt: Date.now() + 2000,
    });
    vi.advanceTimersByTime(2000);
    last().drop(1006);
    expect(client.state).toMatchObject({
      status: 'reconnecting',
      attempt: 3,
      nextAttemptAt: Date.now() + 4000,
    });
    vi.advanceTimersByTime(4000);
    last().accept('c2');
    expect(client.state).toMatchObject({ status: 'open', connectionId: 'c2' });
    last().drop(1001);
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1 });
  });

  it('fails an attempt that gets no welcome within connectTimeout', () => {
    const client = makeClient({ connectTimeout: 3000 });
    vi.advanceTimersByTime(3000);
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1 });
    expect(sockets[0]!.closedWith).toBe(1000);
  });

  it('gives up after maxReconnectAttempts', () => {
    const client = makeClient({ maxReconnectAttempts: 2 });
    last().drop();
    vi.advanceTimersByTime(1000);
    last().drop();
    vi.advanceTimersByTime(2000);
    last().drop();
    expect(client.state).toEqual({ status: 'closed', reason: { kind: 'gave-up', attempts: 2 } });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(3);
  });

  it('does not retry a final close code from the catalog', () => {
    const client = makeClient();
    last().accept();
    last().drop(4001, 'Unauthorized');
    expect(client.state).toMatchObject({ status: 'closed', reason: { kind: 'session-ended', code: 4001 } });
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('goes offline on the offline event and reconnects at once on online', () => {
    const client = makeClient();
    last().accept();
    network.goOffline();
    expect(client.state.status).toBe('offline');
    expect(sockets[0]!.closedWith).toBe(1000);
    vi.advanceTimersByTime(120_000);
    expect(sockets).toHaveLength(1);
    network.goOnline();
    expect(client.state).toEqual({ status: 'connecting', attempt: 0 });
    expect(sockets).toHaveLength(2);
  });

  it('cuts a back-off wait short when the network comes back', () => {
    const client = makeClient({ maxReconnectInterval: 60_000, connectTimeout: 1e9 });
    for (let i = 0; i < 4; i++) {
      last().drop();
      vi.advanceTimersByTime(60_000);
    }
    last().drop();
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 5 });
    network.goOnline();
    expect(client.state).toMatchObject({ status: 'connecting', attempt: 5 });
  });

  it('disconnect() closes for good and ignores the old socket afterwards', () => {
    const client = makeClient();
    last().accept();
    const socket = last();
    client.disconnect();
    expect(client.state).toEqual({ status: 'closed', reason: { kind: 'client' } });
    socket.drop(1006);
    expect(client.state.status).toBe('closed');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
  });

  it('ignores frames outside the protocol', () => {
    const client = makeClient();
    const messages = record(client, 'message');
    last().accept();
    last().deliverRaw('not json');
    last().deliverRaw(JSON.stringify({ type: 'event', channel: 'orders' }));
    last().deliverRaw(JSON.stringify({ type: 'surprise' }));
    expect(messages.map((m) => m.type)).toEqual(['welcome']);
    expect(client.state.status).toBe('open');
  });
});

describe('WebSocketClient: heartbeat', () => {
  it('pings on open, measures latency from the pong and answers server pings', () => {
    const client = makeClient();
    last().accept();
    const [ping] = last().sentOfType('ping');
    expect(ping).toEqual({ type: 'ping', t: Date.now() });
    vi.advanceTimersByTime(42);
    last().deliver({ type: 'pong', t: ping!.t, serverTime: 0 });
    expect(client.latency).toBe(42);
    last().deliver({ type: 'ping', t: 7 });
    expect(last().sentOfType('pong')).toEqual([{ type: 'pong', t: 7 }]);
    vi.advanceTimersByTime(10_000);
    expect(last().sentOfType('ping')).toHaveLength(2);
  });

  it('keeps a connection that hears from the server', () => {
    const client = makeClient();
    last().accept();
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(15_000);
      last().deliver({ type: 'ping', t: i });
    }
    expect(client.state.status).toBe('open');
  });

  it('declares the connection dead after two silent intervals and reconnects', () => {
    const client = makeClient();
    last().accept();
    vi.advanceTimersByTime(19_999);
    expect(client.state.status).toBe('open');
    vi.advanceTimersByTime(1);
    expect(client.state).toMatchObject({ status: 'reconnecting', attempt: 1, lastCode: 4011 });
    expect(sockets[0]!.closedWith).toBe(1000);
  });
});

describe('WebSocketClient: requests and the offline queue', () => {
  it('acks resolve publish and rpc; error acks reject with the catalog code', async () => {
    const client = makeClient();
    last().accept();
    const published = client.publish('orders', 'note', { a: 1 });
    const called = client.rpc('sync.push', { x: 1 });
    const [pub] = last().sentOfType('publish');
    const [rpc] = last().sentOfType('rpc');
    expect(pub).toEqual({ type: 'publish', id: 'm1', channel: 'orders', event: 'note', data: { a: 1 } });
    last().deliver({ type: 'ack', id: pub!.id, ok: true, result: { seq: 3 } });
    last().deliver({ type: 'ack', id: rpc!.id, ok: false, error: { code: 'FORBIDDEN', message: 'no' } });
    await expect(published).resolves.toEqual({ seq: 3 });
    await expect(called).rejects.toMatchObject({ code: 'FORBIDDEN', i18n: 'errors.forbidden' });
  });

  it('resends an unacknowledged request with the same id, then fails with ACK_TIMEOUT', async () => {
    const client = makeClient({ ackRetries: 2 });
    last().accept();
    const result = client.publish('orders', 'note', 1);
    result.catch(() => {});
    vi.advanceTimersByTime(5000);
    vi.advanceTimersByTime(5000);
    expect(
      last()
        .sentOfType('publish')
        .map((m) => m.id),
    ).toEqual(['m1', 'm1', 'm1']);
    vi.advanceTimersByTime(5000);
    await expect(result).rejects.toMatchObject({ code: 'ACK_TIMEOUT' });
    expect(client.queuedMessages).toBe(0);
  });

  it('a late duplicate ack settles once', async () => {
    const client = makeClient();
    last().accept();
    const result = client.publish('orders', 'note', 1);
    vi.advanceTimersByTime(5000);
    last().deliver({ type: 'ack', id: 'm1', ok: true, result: 'first' });
    last().deliver({ type: 'ack', id: 'm1', ok: true, result: 'second' });
    await expect(result).resolves.toBe('first');
  });

  it('queues while offline, drops the oldest past the bound with a counted event, flushes in order', async () => {
    const client = makeClient({ messageQueueSize: 3 });
    const dropped = record(client, 'dropped');
    last().accept();
    network.goOffline();
    const results = [1, 2, 3, 4, 5].map((n) => client.publish('orders', 'n', n));
    for (const r of results) r.catch(() => {});
    expect(client.queuedMessages).toBe(3);
    expect(client.droppedMessages).toBe(2);
    expect(dropped.map((d) => [d.message.id, d.total])).toEqual([
      ['m1', 1],
      ['m2', 2],
    ]);
    await expect(results[0]).rejects.toMatchObject({ code: 'QUEUE_OVERFLOW' });
    await expect(results[1]).rejects.toMatchObject({ code: 'QUEUE_OVERFLOW' });

    network.goOnline();
    expect(last().sent).toEqual([]);
    last().accept('c2');
    const flushed = last().sentOfType('publish');
    expect(flushed.map((m) => m.data)).toEqual([3, 4, 5]);
    for (const m of flushed) last().deliver({ type: 'ack', id: m.id, ok: true });
    await expect(Promise.all(results.slice(2))).resolves.toHaveLength(3);
    expect(client.queuedMessages).toBe(0);
  });

  it('resends in-flight messages after a reconnect with the same ids, before newer ones', async () => {
    const client = makeClient();
    last().accept();
    const first = client.publish('orders', 'n', 'a');
    last().drop(1006);
    const second = client.publish('orders', 'n', 'b');
    expect(client.queuedMessages).toBe(2);
    vi.advanceTimersByTime(1000);
    last().accept('c2');
    const resent = last().sentOfType('publish');
    expect(resent.map((m) => [m.id, m.data])).toEqual([
      ['m1', 'a'],
      ['m2', 'b'],
    ]);
    for (const m of resent) last().deliver({ type: 'ack', id: m.id, ok: true, result: m.data });
    await expect(first).resolves.toBe('a');
    await expect(second).resolves.toBe('b');
  });

  it('queue: false fails at once while disconnected; clearQueue rejects what was queued', async () => {
    const client = makeClient();
    network.goOffline();
    await expect(client.rpc('x', {}, { queue: false })).rejects.toMatchObject({ code: 'NOT_CONNECTED' });
    const queued = client.publish('orders', 'n', 1);
    expect(client.clearQueue()).toBe(1);
    await expect(queued).rejects.toMatchObject({ code: 'QUEUE_CLEARED' });
    expect(client.queuedMessages).toBe(0);
  });
});

describe('WebSocketClient: subscriptions, ordering and recovery', () => {
  function subscribed(channel: string, id: string, epoch: string, seq: number, recovered?: boolean) {
    return { type: 'subscribed' as const, id, channel, epoch, seq, recovered, presence: [] };
  }

  it('subscribes once per channel, delivers in order and drops duplicates', async () => {
    const client = makeClient();
    last().accept();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const first = client.subscribe('orders', { onEvent: (e) => a.push(e.data) });
    client.subscribe('orders', { onEvent: (e) => b.push(e.data) });
    const subs = last().sentOfType('subscribe');
    expect(subs).toHaveLength(1);
    expect(subs[0]!.since).toBeUndefined();
    last().deliver(subscribed('orders', subs[0]!.id, 'e1', 3));
    await expect(first.ready).resolves.toBeUndefined();
    last().deliver(event('orders', 'e1', 4));
    last().deliver(event('orders', 'e1', 4));
    last().deliver(event('orders', 'e1', 5));
    expect(a).toEqual([4, 5]);
    expect(b).toEqual([4, 5]);
    expect(client.channel('orders')).toMatchObject({ status: 'active', position: { epoch: 'e1', seq: 5 } });
  });

  it('resubscribes after a reconnect with its last position and delivers the replay in order', () => {
    const client = makeClient();
    last().accept();
    const seen: unknown[] = [];
    const recoveries = record(client, 'recovery');
    client.subscribe(
      'order:42',
      { onEvent: (e) => seen.push(e.seq) },
      { presence: { location: { page: 'order' } } },
    );
    last().deliver(subscribed('order:42', last().sentOfType('subscribe')[0]!.id, 'e1', 0));
    last().deliver(event('order:42', 'e1', 1));
    last().deliver(event('order:42', 'e1', 2));
    last().drop(1006);
    vi.advanceTimersByTime(1000);
    last().accept('c2');
    const [resub] = last().sentOfType('subscribe');
    expect(resub).toMatchObject({
      channel: 'order:42',
      since: { epoch: 'e1', seq: 2 },
      presence: { location: { page: 'order' } },
    });
    last().deliver(subscribed('order:42', resub!.id, 'e1', 5, true));
    for (const seq of [3, 4, 5]) last().deliver(event('order:42', 'e1', seq));
    last().deliver(event('order:42', 'e1', 6));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
    expect(recoveries.map((r) => [r.outcome, r.missed])).toEqual([
      ['fresh', 0],
      ['recovered', 3],
    ]);
  });

  it('flushes the queue after the resubscribes', () => {
    const client = makeClient();
    last().accept();
    client.subscribe('orders');
    network.goOffline();
    void client.publish('orders', 'n', 1).catch(() => {});
    network.goOnline();
    last().accept('c2');
    expect(
      last()
        .sent.filter((m) => m.type !== 'ping')
        .map((m) => m.type),
    ).toEqual(['subscribe', 'publish']);
  });

  it('detects a gap, asks for recovery and delivers the missed events in order', () => {
    const client = makeClient();
    last().accept();
    const seen: number[] = [];
    client.subscribe('orders', { onEvent: (e) => seen.push(e.seq) });
    last().deliver(subscribed('orders', 'm1', 'e1', 0));
    last().deliver(event('orders', 'e1', 1));
    last().deliver(event('orders', 'e1', 3));
    last().deliver(event('orders', 'e1', 4));
    const recovers = last().sentOfType('recover');
    expect(recovers).toEqual([
      { type: 'recover', id: recovers[0]!.id, channel: 'orders', since: { epoch: 'e1', seq: 1 } },
    ]);
    expect(client.channel('orders')?.recovering).toBe(true);
    last().deliver(subscribed('orders', recovers[0]!.id, 'e1', 4, true));
    for (const seq of [2, 3, 4, 5]) last().deliver(event('orders', 'e1', seq));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(client.channel('orders')?.recovering).toBe(false);
  });

  it('treats a new epoch as a gap, and recovered:false as a reset the app must refetch', () => {
    const client = makeClient();
    last().accept();
    const resets: unknown[] = [];
    const seen: number[] = [];
    client.subscribe('products', { onEvent: (e) => seen.push(e.seq), onReset: (info) => resets.push(info) });
    last().deliver(subscribed('products', 'm1', 'e1', 10));
    last().deliver(event('products', 'e2', 1));
    const [recover] = last().sentOfType('recover');
    expect(recover!.since).toEqual({ epoch: 'e1', seq: 10 });
    last().deliver(subscribed('products', recover!.id, 'e2', 1, false));
    expect(resets).toEqual([{ channel: 'products', epoch: 'e2', seq: 1 }]);
    last().deliver(event('products', 'e2', 2));
    expect(seen).toEqual([2]);
  });

  it('also understands a recover answered by a plain ack with the position', () => {
    const client = makeClient();
    last().accept();
    const seen: number[] = [];
    client.subscribe('orders', { onEvent: (e) => seen.push(e.seq) });
    last().deliver(subscribed('orders', 'm1', 'e1', 0));
    last().deliver(event('orders', 'e1', 2));
    const [recover] = last().sentOfType('recover');
    last().deliver({
      type: 'ack',
      id: recover!.id,
      ok: true,
      result: { epoch: 'e1', seq: 2, recovered: true },
    });
    last().deliver(event('orders', 'e1', 1));
    last().deliver(event('orders', 'e1', 2));
    expect(seen).toEqual([1, 2]);
  });

  it('a server-initiated resync (subscribed without a request id, recovered:false) resets the channel', () => {
    const client = makeClient();
    last().accept();
    const resets: unknown[] = [];
    const seen: number[] = [];
    client.subscribe('inventory', { onEvent: (e) => seen.push(e.seq), onReset: (info) => resets.push(info) });
    last().deliver(subscribed('inventory', 'm1', 'e1', 3));
    last().deliver(subscribed('inventory', '', 'e2', 0, false));
    expect(resets).toEqual([{ channel: 'inventory', epoch: 'e2', seq: 0 }]);
    last().deliver(event('inventory', 'e2', 1));
    expect(seen).toEqual([1]);
    expect(last().sentOfType('recover')).toEqual([]);
  });

  it('a channel the server closes is not resubscribed; the last listener leaving unsubscribes', () => {
    const client = makeClient();
    last().accept();
    const a = client.subscribe('admin');
    const b = client.subscribe('orders');
    const c = client.subscribe('orders');
    last().deliver(subscribed('admin', 'm1', 'e', 0));
    last().deliver(subscribed('orders', 'm2', 'e', 0));
    last().deliver({ type: 'unsubscribed', channel: 'admin', reason: 'FORBIDDEN' });
    expect(client.channel('admin')).toMatchObject({ status: 'failed', error: { code: 'FORBIDDEN' } });
    b.unsubscribe();
    expect(last().sentOfType('unsubscribe')).toHaveLength(0);
    c.unsubscribe();
    expect(
      last()
        .sentOfType('unsubscribe')
        .map((m) => m.channel),
    ).toEqual(['orders']);
    last().drop();
    vi.advanceTimersByTime(1000);
    last().accept('c2');
    expect(last().sentOfType('subscribe')).toHaveLength(0);
    a.unsubscribe();
  });

  it('a refused subscribe rejects ready and is not retried after a reconnect', async () => {
    const client = makeClient();
    last().accept();
    const sub = client.subscribe('user:someone-else');
    const [msg] = last().sentOfType('subscribe');
    last().deliver({ type: 'ack', id: msg!.id, ok: false, error: { code: 'FORBIDDEN', message: 'no' } });
    await expect(sub.ready).rejects.toMatchObject({ code: 'FORBIDDEN' });
    last().drop();
    vi.advanceTimersByTime(1000);
    last().accept('c2');
    expect(last().sentOfType('subscribe')).toHaveLength(0);
  });

  it('rejects channel names the protocol does not allow, without sending', async () => {
    const client = makeClient();
    last().accept();
    await expect(client.subscribe('tenant-1:orders').ready).rejects.toMatchObject({
      code: 'INVALID_CHANNEL',
    });
    expect(last().sentOfType('subscribe')).toHaveLength(0);
  });
});

describe('WebSocketClient: presence', () => {
  it('keeps channel members from the snapshot and join/update/leave frames', () => {
    const client = makeClient();
    last().accept();
    const lists: string[][] = [];
    client.subscribe('order:1', { onPresence: (members) => lists.push(members.map((m) => m.name)) });
    last().deliver({
      type: 'subscribed',
      id: 'm1',
      channel: 'order:1',
      epoch: 'e',
      seq: 0,
      presence: [member('u2', 'Napa', 1)],
    });
    last().deliver({ type: 'presence', channel: 'order:1', action: 'join', member: member('u1', 'Anna', 2) });
    last().deliver({
      type: 'presence',
      channel: 'order:1',
      action: 'leave',
      member: member('u2', 'Napa', 3),
    });
    last().deliver({ type: 'presence', channel: 'order:9', action: 'join', member: member('u3', 'Ken', 3) });
    expect(lists).toEqual([['Napa'], ['Anna', 'Napa'], ['Anna']]);
    expect(client.presenceOf('order:9')).toEqual([]);
  });

  it('files channel-less presence frames as the tenant-wide presence', () => {
    const client = makeClient();
    last().accept();
    last().deliver({ type: 'presence', action: 'join', member: member('u2', 'Napa', 1) });
    expect(client.presenceOf('presence').map((m) => m.name)).toEqual(['Napa']);
  });

  it('remembers its own presence and sends it again after a reconnect; cursors are never queued', () => {
    const client = makeClient();
    last().accept();
    client.updatePresence({ status: 'busy' });
    client.updatePresence({ cursor: { x: 1, y: 2 } });
    expect(last().sentOfType('presence')).toEqual([
      { type: 'presence', id: 'm1', patch: { status: 'busy' } },
      { type: 'presence', patch: { cursor: { x: 1, y: 2 } } },
    ]);
    network.goOffline();
    client.updatePresence({ activity: 'reading' });
    client.updatePresence({ cursor: { x: 5, y: 5 } });
    network.goOnline();
    last().accept('c2');
    expect(
      last()
        .sentOfType('presence')
        .map((m) => m.patch),
    ).toEqual([{ status: 'busy', activity: 'reading' }]);
  });
});

describe('WebSocketClient: room presence timing', () => {
  it('holds a room presence change until the subscription is confirmed, and never sends for unknown rooms', () => {
    const client = makeClient();
    last().accept();
    client.updatePresence({ location: { page: '/x' } }, 'order:404');
    client.subscribe('order:7', {}, { presence: { location: { page: '/orders/7', section: 'summary' } } });
    client.updatePresence({ location: { page: '/orders/7', section: 'lines' } }, 'order:7');
    expect(last().sentOfType('presence')).toEqual([]);
    const [sub] = last().sentOfType('subscribe');
    last().deliver({ type: 'subscribed', id: sub!.id, channel: 'order:7', epoch: 'e', seq: 0, presence: [] });
    expect(
      last()
        .sentOfType('presence')
        .map((m) => [m.channel, m.patch]),
    ).toEqual([['order:7', { location: { page: '/orders/7', section: 'lines' } }]]);
    client.updatePresence({ activity: 'typing' }, 'order:7');
    expect(last().sentOfType('presence')).toHaveLength(2);
  });
  it('sends the newest cursor given while a room subscription was pending once it is confirmed', () => {
    const client = makeClient();
    last().accept();
    client.subscribe('order:9', {});
    client.updatePresence({ cursor: { x: 1, y: 1, field: 'notes' } }, 'order:9');
    client.updatePresence({ cursor: { x: 4, y: 0, field: 'notes' } }, 'order:9');
    expect(last().sentOfType('presence')).toEqual([]);
    const [sub] = last().sentOfType('subscribe');
    last().deliver({ type: 'subscribed', id: sub!.id, channel: 'order:9', epoch: 'e', seq: 0, presence: [] });
    expect(
      last()
        .sentOfType('presence')
        .map((m) => [m.channel, m.patch]),
    ).toEqual([['order:9', { cursor: { x: 4, y: 0, field: 'notes' } }]]);
  });
});

describe('WebSocketClient: events for the app', () => {
  it('reports state changes and queue figures', () => {
    const client = makeClient();
    const states: ConnectionState['status'][] = [];
    client.on('state', (s) => states.push(s.status));
    const queue = record(client, 'queue');
    last().accept();
    network.goOffline();
    void client.publish('orders', 'n', 1).catch(() => {});
    network.goOnline();
    expect(states).toEqual(['open', 'offline', 'connecting']);
    expect(queue.at(-1)).toEqual({ queued: 1, dropped: 0 });
  });
});
