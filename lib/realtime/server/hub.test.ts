import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closeCodes, type ServerMessage } from '../protocol';
import { ManualClock } from './clock';
import type { HubUser } from './connection';
import { RealtimeError } from './errors';
import type { HubLimits } from './hub';
import {
  createDeployment,
  createTestNode,
  RecordingSocket,
  settle,
  type TestClient,
  type TestDeployment,
  type TestNode,
  testLimits,
} from './test-support';

const TENANT = 't1';
const alice: HubUser = { id: 'alice', tenantId: TENANT, role: 'sales', name: 'Alice' };
const bob: HubUser = { id: 'bob', tenantId: TENANT, role: 'sales', name: 'Bob' };
const carol: HubUser = { id: 'carol', tenantId: TENANT, role: 'admin', name: 'Carol' };
const vera: HubUser = { id: 'vera', tenantId: TENANT, role: 'viewer', name: 'Vera' };

let clock: ManualClock;
let deployment: TestDeployment;
let nodes: TestNode[];
let messageIds = 0;

function start(
  options: { limits?: Partial<HubLimits>; history?: { size: number; ttlSeconds: number } } = {},
): TestNode {
  deployment = createDeployment(clock, { history: options.history });
  for (const user of [alice, bob, carol, vera])
    deployment.users.set(user.id, { ...user, active: true, sessionVersion: 1 });
  const node = createTestNode(deployment, clock, { limits: options.limits });
  nodes.push(node);
  return node;
}

function open(node: TestNode, user: HubUser, expiresAt?: number): TestClient {
  const client = node.connect(user, expiresAt === undefined ? {} : { expiresAt });
  if (!client) throw new Error(`${user.id} was refused`);
  return client;
}

const nextId = () => `m${++messageIds}`;

/**
 * Sends a client message that carries an id, waits for its answer and returns it. The clock moves on by one
 * token's worth first (a client within its rate), so a test's many requests are not rate limited.
 */
async function ask(client: TestClient, message: Record<string, unknown>): Promise<ServerMessage> {
  clock.advance(1000 / testLimits.messagesPerSecond);
  const id = typeof message.id === 'string' ? message.id : nextId();
  client.sendText(JSON.stringify({ ...message, id }));
  await settle();
  await expect.poll(() => client.socket.answer(id)).toBeDefined();
  const answer = client.socket.answers(id).at(-1);
  if (!answer) throw new Error('no answer');
  return answer;
}

async function subscribe(client: TestClient, channel: string, extra: Record<string, unknown> = {}) {
  const answer = await ask(client, { type: 'subscribe', channel, ...extra });
  if (answer.type !== 'subscribed') throw new Error(`subscribe ${channel}: ${JSON.stringify(answer)}`);
  return answer;
}

function errorCodeOf(answer: ServerMessage | undefined): string | undefined {
  if (answer?.type === 'ack' && !answer.ok) return answer.error.code;
  if (answer?.type === 'error') return answer.error.code;
  return undefined;
}

/** Moves the clock forward in steps, each client answering with a pong so the heartbeat does not end it. */
function liveFor(ms: number, clients: TestClient[], step = 5_000): void {
  for (let done = 0; done < ms; done += step) {
    clock.advance(Math.min(step, ms - done));
    for (const client of clients) if (!client.socket.closed) client.send({ type: 'pong' });
  }
}

beforeEach(() => {
  clock = new ManualClock();
  nodes = [];
});

afterEach(async () => {
  for (const node of nodes) await node.close();
  await deployment.close();
});

describe('Hub: connect', () => {
  it('welcomes a connection with its id, user, heartbeat and limits', () => {
    const node = start();
    const client = open(node, alice);
    const [welcome] = client.socket.frames;
    expect(welcome).toEqual({
      type: 'welcome',
      v: 1,
      connectionId: client.conn.id,
      nodeId: 'node-a',
      user: { id: 'alice', name: 'Alice', role: 'sales', tenantId: TENANT },
      heartbeatMs: testLimits.heartbeatMs,
      limits: {
        maxFrameBytes: testLimits.maxFrameBytes,
        messagesPerSecond: testLimits.messagesPerSecond,
        maxSubscriptions: testLimits.maxSubscriptions,
      },
    });
    expect(client.socket.closed).toBeNull();
  });

  it('answers a ping with the clock time', async () => {
    const node = start();
    const client = open(node, alice);
    clock.advance(1234);
    client.send({ type: 'ping', t: 7 });
    await settle();
    expect(client.socket.of('pong')).toEqual([{ type: 'pong', t: 7, serverTime: clock.now() }]);
  });

  it('refuses a connection over the per-user limit with tooManyConnections, and admits one after a close', async () => {
    const node = start();
    const first = open(node, alice);
    open(node, alice);
    const refused = new RecordingSocket();
    expect(node.connect(alice, { socket: refused })).toBeNull();
    expect(refused.closed?.code).toBe(closeCodes.tooManyConnections.code);
    expect(refused.frames).toEqual([]);
    // Another user is not affected by Alice's count.
    expect(node.connect(bob)).not.toBeNull();
    node.hub.disconnected(first.conn);
    expect(node.connect(alice)).not.toBeNull();
  });
});

describe('Hub: channels', () => {
  it('delivers published events in seq order, stamped with the clock', async () => {
    const node = start();
    const reader = open(node, bob);
    const subscribed = await subscribe(reader, 'orders');
    expect(subscribed).toMatchObject({ channel: 'orders', seq: 0 });
    expect(subscribed.recovered).toBeUndefined();
    const times: number[] = [];
    for (let i = 1; i <= 3; i++) {
      clock.advance(10);
      times.push(clock.now());
      await node.hub.publish({ tenantId: TENANT, channel: 'orders', event: 'order.updated', data: { i } });
    }
    await settle();
    const events = reader.socket.of('event');
    expect(events.map((event) => [event.seq, event.data, event.ts, event.epoch])).toEqual([
      [1, { i: 1 }, times[0], subscribed.epoch],
      [2, { i: 2 }, times[1], subscribed.epoch],
      [3, { i: 3 }, times[2], subscribed.epoch],
    ]);
  });

  it('keeps tenants apart and ignores a channel nobody subscribed to', async () => {
    const node = start();
    const reader = open(node, bob);
    await subscribe(reader, 'orders');
    await node.hub.publish({ tenantId: 'other', channel: 'orders', event: 'order.updated', data: 1 });
    await node.hub.publish({ tenantId: TENANT, channel: 'products', event: 'product.updated', data: 2 });
    await settle();
    expect(reader.socket.of('event')).toEqual([]);
  });

  it('publishes for a client with an ack and an actor; a viewer or a server-only feed is refused', async () => {
    const node = start();
    const writer = open(node, alice);
    const reader = open(node, bob);
    await subscribe(reader, 'order:42');
    const ack = await ask(writer, {
      type: 'publish',
      channel: 'order:42',
      event: 'cursor.moved',
      data: { x: 1 },
    });
    expect(ack).toMatchObject({ type: 'ack', ok: true, result: { seq: 1 } });
    await settle();
    expect(reader.socket.of('event')).toMatchObject([
      { seq: 1, event: 'cursor.moved', actor: { id: 'alice', name: 'Alice' } },
    ]);
    const viewer = open(node, vera);
    expect(
      errorCodeOf(await ask(viewer, { type: 'publish', channel: 'order:42', event: 'x', data: 1 })),
    ).toBe('FORBIDDEN');
    expect(errorCodeOf(await ask(writer, { type: 'publish', channel: 'orders', event: 'x', data: 1 }))).toBe(
      'FORBIDDEN',
    );
    expect(errorCodeOf(await ask(writer, { type: 'subscribe', channel: 'nonsense' }))).toBe(
      'UNKNOWN_CHANNEL',
    );
    expect(errorCodeOf(await ask(writer, { type: 'subscribe', channel: 'admin' }))).toBe('FORBIDDEN');
  });

  it('replays missed events from a position, then goes live', async () => {
    const node = start();
    for (let i = 1; i <= 3; i++)
      await node.hub.publish({ tenantId: TENANT, channel: 'orders', event: 'order.updated', data: i });
    const first = open(node, bob);
    const { epoch } = await subscribe(first, 'orders');
    const client = open(node, alice);
    const answer = await subscribe(client, 'orders', { since: { epoch, seq: 1 } });
    expect(answer).toMatchObject({ seq: 3, recovered: true });
    await node.hub.publish({ tenantId: TENANT, channel: 'orders', event: 'order.updated', data: 4 });
    await settle();
    expect(client.socket.of('event').map((event) => event.seq)).toEqual([2, 3, 4]);
    // After the answer: nothing before the subscribed frame.
    const order = client.socket.frames.map((frame) => frame.type);
    expect(order.indexOf('subscribed')).toBeLessThan(order.indexOf('event'));
  });

  it('answers recovered: false when the history no longer holds the missed events (count)', async () => {
    const node = start({ history: { size: 3, ttlSeconds: 3600 } });
    const client = open(node, alice);
    const { epoch } = await subscribe(client, 'orders');
    await ask(client, { type: 'unsubscribe', channel: 'orders' });
    for (let i = 1; i <= 5; i++)
      await node.hub.publish({ tenantId: TENANT, channel: 'orders', event: 'order.updated', data: i });
    const lost = await subscribe(client, 'orders', { since: { epoch, seq: 1 } });
    expect(lost).toMatchObject({ seq: 5, recovered: false });
    expect(client.socket.of('event')).toEqual([]);
    // Still within the history: recovered.
    const kept = await ask(client, { type: 'recover', channel: 'orders', since: { epoch, seq: 2 } });
    expect(kept).toMatchObject({ type: 'subscribed', recovered: true });
    await settle();
    expect(client.socket.of('event').map((event) => event.seq)).toEqual([3, 4, 5]);
    // Another epoch cannot be replayed.
    expect(await subscribe(client, 'orders', { since: { epoch: 'gone', seq: 1 } })).toMatchObject({
      recovered: false,
    });
  });

  it('answers recovered: false once the missed events are older than the history TTL on the clock', async () => {
    const node = start({ history: { size: 100, ttlSeconds: 60 } });
    const client = open(node, alice);
    const { epoch } = await subscribe(client, 'orders');
    await ask(client, { type: 'unsubscribe', channel: 'orders' });
    for (let i = 1; i <= 2; i++)
      await node.hub.publish({ tenantId: TENANT, channel: 'orders', event: 'order.updated', data: i });
    liveFor(59_000, [client]);
    expect(await subscribe(client, 'orders', { since: { epoch, seq: 0 } })).toMatchObject({
      recovered: true,
    });
    await ask(client, { type: 'unsubscribe', channel: 'orders' });
    liveFor(2_000, [client]);
    expect(await subscribe(client, 'orders', { since: { epoch, seq: 0 } })).toMatchObject({
      recovered: false,
    });
    // Nothing missed: recovered however old the history is.
    expect(await subscribe(client, 'orders', { since: { epoch, seq: 2 } })).toMatchObject({
      recovered: true,
    });
  });

  it('refuses a subscription over the per-connection limit, not a repeated one', async () => {
    const node = start();
    const client = open(node, alice);
    for (const channel of ['orders', 'products', 'customers']) await subscribe(client, channel);
    expect(errorCodeOf(await ask(client, { type: 'subscribe', channel: 'inventory' }))).toBe(
      'TOO_MANY_SUBSCRIPTIONS',
    );
    expect((await ask(client, { type: 'subscribe', channel: 'orders' })).type).toBe('subscribed');
    await ask(client, { type: 'unsubscribe', channel: 'orders' });
    expect((await ask(client, { type: 'subscribe', channel: 'inventory' })).type).toBe('subscribed');
  });
});

describe('Hub: presence', () => {
  it('tells subscribers of a room who joins and leaves', async () => {
    const node = start();
    const watcher = open(node, bob);
    const answer = await subscribe(watcher, 'order:42');
    expect(answer.presence.map((member) => member.userId)).toEqual(['bob']);
    const visitor = open(node, alice);
    await subscribe(visitor, 'order:42', { presence: { activity: 'editing' } });
    await settle();
    expect(watcher.socket.of('presence')).toMatchObject([
      {
        channel: 'order:42',
        action: 'join',
        member: { userId: 'alice', activity: 'editing', status: 'online' },
      },
    ]);
    await ask(visitor, { type: 'unsubscribe', channel: 'order:42' });
    await settle();
    expect(watcher.socket.of('presence').at(-1)).toMatchObject({
      channel: 'order:42',
      action: 'leave',
      member: { userId: 'alice', status: 'offline', connections: 0 },
    });
  });

  it('lists the tenant on the presence channel and says when a user closes their last tab', async () => {
    const node = start();
    const watcher = open(node, bob);
    const tab1 = open(node, alice);
    const tab2 = open(node, alice);
    const answer = await subscribe(watcher, 'presence');
    expect(answer.presence.map((member) => [member.userId, member.connections]).sort()).toEqual([
      ['alice', 2],
      ['bob', 1],
    ]);
    node.hub.disconnected(tab1.conn);
    await settle();
    expect(watcher.socket.of('presence')).toEqual([]);
    node.hub.disconnected(tab2.conn);
    await settle();
    expect(watcher.socket.of('presence')).toMatchObject([{ action: 'leave', member: { userId: 'alice' } }]);
  });

  it('lists every page a user has open in a tab, whichever tab spoke last', async () => {
    const node = start();
    const watcher = open(node, bob);
    const orderTab = open(node, alice);
    const productTab = open(node, alice);
    await subscribe(watcher, 'presence');
    await ask(orderTab, { type: 'presence', patch: { location: { page: '/orders/1' } } });
    await ask(productTab, { type: 'presence', patch: { location: { page: '/products/7' } } });
    // The order tab keeps talking (its editor renews a lock, pulls): it is the newest, the product stays open.
    await ask(orderTab, { type: 'presence', patch: { activity: 'editing' } });
    await settle();
    const alices = () => watcher.socket.of('presence').filter((frame) => frame.member.userId === 'alice');
    expect(alices().at(-1)).toMatchObject({
      member: { location: { page: '/orders/1' }, pages: ['/orders/1', '/products/7'], connections: 2 },
    });
    node.hub.disconnected(productTab.conn);
    await settle();
    expect(alices().at(-1)).toMatchObject({ action: 'update', member: { pages: ['/orders/1'] } });
  });

  it('marks a user away after the idle time on the clock, and online again on activity', async () => {
    const node = start();
    const watcher = open(node, bob);
    const idler = open(node, alice);
    await subscribe(watcher, 'presence');
    liveFor(testLimits.presenceIdleMs - 5_000, [watcher, idler]);
    await settle();
    expect(watcher.socket.of('presence').filter((frame) => frame.member.userId === 'alice')).toEqual([]);
    liveFor(10_000, [watcher, idler]);
    await settle();
    expect(watcher.socket.of('presence').filter((frame) => frame.member.userId === 'alice')).toMatchObject([
      { action: 'update', member: { status: 'away' } },
    ]);
    await ask(idler, { type: 'presence', patch: { location: { page: '/orders' } } });
    await settle();
    expect(watcher.socket.of('presence').at(-1)).toMatchObject({
      action: 'update',
      member: { userId: 'alice', status: 'online', location: { page: '/orders' } },
    });
  });

  it('throttles cursor-only moves to one per 100 ms on the clock', async () => {
    const node = start();
    const watcher = open(node, bob);
    const mover = open(node, alice);
    await subscribe(watcher, 'order:42');
    await subscribe(mover, 'order:42');
    const cursors = () =>
      watcher.socket
        .of('presence')
        .filter((frame) => frame.member.userId === 'alice' && frame.action === 'update');
    clock.advance(100);
    mover.send({ type: 'presence', channel: 'order:42', patch: { cursor: { x: 1, y: 1 } } });
    mover.send({ type: 'presence', channel: 'order:42', patch: { cursor: { x: 2, y: 2 } } });
    mover.send({ type: 'presence', channel: 'order:42', patch: { cursor: { x: 3, y: 3 } } });
    await settle();
    expect(cursors().map((frame) => frame.member.cursor)).toEqual([{ x: 1, y: 1 }]);
    clock.advance(99);
    await settle();
    expect(cursors()).toHaveLength(1);
    clock.advance(1);
    await settle();
    expect(cursors().map((frame) => frame.member.cursor)).toEqual([
      { x: 1, y: 1 },
      { x: 3, y: 3 },
    ]);
  });

  it("drops another node's members once the node is silent past the presence TTL", async () => {
    const node = start();
    // Node B's clock never moves: its process stopped without saying goodbye.
    const frozen = new ManualClock(clock.now());
    const other = createTestNode(deployment, frozen, { nodeId: 'node-b' });
    nodes.push(other);
    const remote = other.connect(carol);
    expect(remote).not.toBeNull();
    await settle();
    const watcher = open(node, bob);
    const answer = await subscribe(watcher, 'presence');
    expect(answer.presence.map((member) => member.userId).sort()).toEqual(['bob', 'carol']);
    const ttl = testLimits.presenceTtlMs;
    liveFor(ttl - 2_000, [watcher]);
    await settle();
    expect(watcher.socket.of('presence')).toEqual([]);
    expect((await node.hub.presence(TENANT)).map((member) => member.userId).sort()).toEqual(['bob', 'carol']);
    liveFor(2_000, [watcher], 500);
    await settle();
    expect(watcher.socket.of('presence')).toMatchObject([
      { action: 'leave', member: { userId: 'carol', status: 'offline' } },
    ]);
    expect((await node.hub.presence(TENANT)).map((member) => member.userId)).toEqual(['bob']);
  });
});

describe('Hub: timeouts on the clock', () => {
  it('closes a silent connection with heartbeatTimeout only after 1.5 heartbeats', async () => {
    const node = start();
    const client = open(node, alice);
    // Sweeps run every heartbeat/4 (2.5 s); silent for exactly 15 s is still allowed.
    clock.advance(17_499);
    expect(client.socket.closed).toBeNull();
    expect(client.socket.of('ping').length).toBeGreaterThan(0);
    clock.advance(1);
    expect(client.socket.closed?.code).toBe(closeCodes.heartbeatTimeout.code);
    await settle();
    expect(await node.hub.presence(TENANT)).toEqual([]);
  });

  it('keeps a connection that answers the pings', () => {
    const node = start();
    const client = open(node, alice);
    liveFor(120_000, [client]);
    expect(client.socket.closed).toBeNull();
    expect(client.socket.of('ping').length).toBeGreaterThanOrEqual(11);
  });

  it('closes a connection with sessionExpired when its session expires on the clock', () => {
    const node = start();
    const client = open(node, alice, clock.now() + 5_000);
    clock.advance(4_999);
    expect(client.socket.closed).toBeNull();
    clock.advance(1);
    expect(client.socket.closed).toEqual({
      code: closeCodes.sessionExpired.code,
      reason: closeCodes.sessionExpired.reason,
    });
  });
});

describe('Hub: limits and bad input', () => {
  it('rate limits with RATE_LIMITED and admits again once the clock refilled the bucket', async () => {
    const node = start();
    const client = open(node, alice);
    for (let i = 0; i < testLimits.burst; i++) client.send({ type: 'ping', t: i });
    client.send({ type: 'ping', t: 99 });
    await settle();
    expect(client.socket.of('pong')).toHaveLength(testLimits.burst);
    expect(client.socket.of('error').map((frame) => frame.error.code)).toEqual(['RATE_LIMITED']);
    // 10 per second: one token after 100 ms, not before.
    clock.advance(99);
    client.send({ type: 'ping', t: 100 });
    await settle();
    expect(client.socket.of('error')).toHaveLength(2);
    clock.advance(1);
    client.send({ type: 'ping', t: 101 });
    await settle();
    expect(client.socket.of('pong').at(-1)).toMatchObject({ t: 101 });
    expect(client.socket.closed).toBeNull();
  });

  it('closes a flood (refused past the burst) with floods', async () => {
    const node = start();
    const client = open(node, alice);
    for (let i = 0; i < testLimits.burst * 2; i++) client.send({ type: 'ping', t: i });
    expect(client.socket.closed).toBeNull();
    client.send({ type: 'ping', t: 0 });
    expect(client.socket.closed?.code).toBe(closeCodes.floods.code);
  });

  it('answers malformed frames and unknown types with their error codes', async () => {
    const node = start();
    const client = open(node, alice);
    client.sendText('{not json');
    client.sendText(JSON.stringify({ type: 'subscribe', id: 'no-channel' }));
    client.sendText(JSON.stringify({ type: 'teleport', id: 'x1' }));
    client.sendText(JSON.stringify([1, 2]));
    await settle();
    expect(client.socket.of('error').map((frame) => [frame.error.code, frame.id])).toEqual([
      ['BAD_FRAME', undefined],
      ['BAD_FRAME', 'no-channel'],
      ['UNKNOWN_TYPE', 'x1'],
      ['UNKNOWN_TYPE', undefined],
    ]);
    expect(client.socket.closed).toBeNull();
  });

  it('closes with policyViolation after too many invalid frames within the window, not when spread out', () => {
    const node = start();
    const burst = open(node, alice);
    for (let i = 0; i < 10; i++) burst.sendText('bad');
    expect(burst.socket.closed).toBeNull();
    burst.sendText('bad');
    expect(burst.socket.closed?.code).toBe(closeCodes.policyViolation.code);

    const spread = open(node, bob);
    for (let i = 0; i < 10; i++) spread.sendText('bad');
    clock.advance(10_001);
    for (let i = 0; i < 10; i++) spread.sendText('bad');
    expect(spread.socket.closed).toBeNull();
    expect(spread.socket.of('error')).toHaveLength(20);
    spread.sendText('bad');
    expect(spread.socket.closed?.code).toBe(closeCodes.policyViolation.code);
  });

  it('closes with frameTooLarge on a frame over the byte limit, counting bytes rather than characters', () => {
    const node = start();
    const client = open(node, alice);
    const padding = (text: string) => JSON.stringify({ type: 'ping', t: 1, pad: text });
    // 1,300 Thai characters are 3,900 bytes: under the limit.
    client.sendText(padding('ก'.repeat(1300)));
    expect(client.socket.closed).toBeNull();
    expect(client.socket.of('pong')).toHaveLength(1);
    // 1,400 are 4,200 bytes (but 1,400 characters): over.
    client.sendText(padding('ก'.repeat(1400)));
    expect(client.socket.closed?.code).toBe(closeCodes.frameTooLarge.code);
    expect(client.socket.of('pong')).toHaveLength(1);
  });

  it('closes a slow consumer with 4009 instead of queueing more for it', async () => {
    const node = start();
    const fast = open(node, bob);
    const slow = open(node, alice);
    await subscribe(fast, 'orders');
    await subscribe(slow, 'orders');
    slow.socket.bufferedAmount = testLimits.slowConsumerBytes;
    await node.hub.publish({ tenantId: TENANT, channel: 'orders', event: 'order.updated', data: 1 });
    await settle();
    expect(slow.socket.closed).toBeNull();
    slow.socket.bufferedAmount = testLimits.slowConsumerBytes + 1;
    await node.hub.publish({ tenantId: TENANT, channel: 'orders', event: 'order.updated', data: 2 });
    await settle();
    expect(slow.socket.closed?.code).toBe(closeCodes.slowConsumer.code);
    expect(closeCodes.slowConsumer.code).toBe(4009);
    expect(slow.socket.of('event').map((event) => event.seq)).toEqual([1]);
    expect(fast.socket.of('event').map((event) => event.seq)).toEqual([1, 2]);
  });
});

describe('Hub: acks and RPC', () => {
  it('answers a repeated client message id with the first ack and publishes once', async () => {
    const node = start();
    const writer = open(node, alice);
    const reader = open(node, bob);
    await subscribe(reader, 'order:42');
    const message = { type: 'publish', id: 'same-id', channel: 'order:42', event: 'note.typed', data: 'a' };
    const first = await ask(writer, message);
    const again = await ask(writer, { ...message, data: 'b' });
    expect(again).toEqual(first);
    expect(writer.socket.answers('same-id')).toHaveLength(2);
    await settle();
    expect(reader.socket.of('event').map((event) => event.data)).toEqual(['a']);
    // Another message id publishes again.
    await ask(writer, { ...message, id: 'other-id' });
    await settle();
    expect(reader.socket.of('event').map((event) => event.seq)).toEqual([1, 2]);
  });

  it('answers a retry sent while the first is still running once the first finishes, polling on the clock', async () => {
    const node = start();
    let release: () => void = () => {};
    let calls = 0;
    node.hub.registerRpc('order.slow', z.object({}), async () => {
      calls++;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return { done: calls };
    });
    const client = open(node, alice);
    client.sendText(JSON.stringify({ type: 'rpc', id: 'r1', method: 'order.slow', params: {} }));
    await settle();
    client.sendText(JSON.stringify({ type: 'rpc', id: 'r1', method: 'order.slow', params: {} }));
    await settle();
    release();
    await settle();
    expect(client.socket.answers('r1')).toHaveLength(1);
    // The retry waits for the first answer by polling the dedupe store every 25 ms of the clock.
    clock.advance(25);
    await settle();
    expect(client.socket.answers('r1')).toEqual([
      { type: 'ack', id: 'r1', ok: true, result: { done: 1 } },
      { type: 'ack', id: 'r1', ok: true, result: { done: 1 } },
    ]);
    expect(calls).toBe(1);
  });

  it('validates RPC params with the registered schema and answers errors with codes', async () => {
    const node = start();
    const seen: unknown[] = [];
    node.hub.registerRpc(
      'order.rename',
      z.object({ orderId: z.string().regex(/^\d+$/), name: z.string().min(1).max(20) }),
      (ctx, params) => {
        seen.push(params);
        if (params.orderId === '13') throw new RealtimeError('LOCKED');
        if (params.orderId === '500') throw new Error('database exploded');
        return { renamed: params.name, by: ctx.user.id };
      },
    );
    const client = open(node, alice);
    expect(
      await ask(client, { type: 'rpc', method: 'order.rename', params: { orderId: '7', name: 'Rush' } }),
    ).toMatchObject({
      ok: true,
      result: { renamed: 'Rush', by: 'alice' },
    });
    const invalid = await ask(client, {
      type: 'rpc',
      method: 'order.rename',
      params: { orderId: 'x', name: '' },
    });
    expect(errorCodeOf(invalid)).toBe('VALIDATION');
    expect(invalid.type === 'ack' && !invalid.ok ? invalid.error.details : undefined).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: ['orderId'] }),
        expect.objectContaining({ path: ['name'] }),
      ]),
    );
    expect(errorCodeOf(await ask(client, { type: 'rpc', method: 'order.rename', params: 'nope' }))).toBe(
      'VALIDATION',
    );
    expect(
      errorCodeOf(
        await ask(client, { type: 'rpc', method: 'order.rename', params: { orderId: '13', name: 'A' } }),
      ),
    ).toBe('LOCKED');
    expect(
      errorCodeOf(
        await ask(client, { type: 'rpc', method: 'order.rename', params: { orderId: '500', name: 'A' } }),
      ),
    ).toBe('INTERNAL');
    expect(errorCodeOf(await ask(client, { type: 'rpc', method: 'order.delete', params: {} }))).toBe(
      'UNKNOWN_METHOD',
    );
    expect(seen).toEqual([
      { orderId: '7', name: 'Rush' },
      { orderId: '13', name: 'A' },
      { orderId: '500', name: 'A' },
    ]);
    expect(() => node.hub.registerRpc('order.rename', z.object({}), () => null)).toThrow(
      /already registered/,
    );
  });
});

describe('Hub: live permissions while the database is away', () => {
  it('retries a re-check that could not read the user until it can, then ends what the new role forbids', async () => {
    const node = start();
    const client = open(node, alice);
    await subscribe(client, 'internal:o1');
    deployment.usersUnreadable = true;
    deployment.users.set('alice', { ...alice, role: 'viewer', active: true, sessionVersion: 1 });
    await expect(node.hub.refreshUser(TENANT, 'alice')).rejects.toThrow('database unavailable');
    // Still unreadable at the first retries: nothing changes, nothing is lost, the retries go on.
    clock.advance(250);
    await settle();
    clock.advance(500);
    await settle();
    expect(client.socket.of('unsubscribed')).toEqual([]);
    deployment.usersUnreadable = false;
    clock.advance(1000);
    await settle();
    await expect
      .poll(() => client.socket.of('unsubscribed'))
      .toEqual([{ type: 'unsubscribed', channel: 'internal:o1', reason: 'ROLE_CHANGED' }]);
    expect(client.conn.user.role).toBe('viewer');
  });

  it('closes a deactivated user once the database answers again, and stops retrying after success', async () => {
    const node = start();
    const client = open(node, bob);
    deployment.usersUnreadable = true;
    deployment.users.set('bob', { ...bob, active: false, sessionVersion: 1 });
    node.hub.refreshAllUsersLocally();
    await settle();
    expect(client.socket.closed).toBeNull();
    deployment.usersUnreadable = false;
    clock.advance(250);
    await settle();
    await expect.poll(() => client.socket.closed?.code).toBe(closeCodes.deactivated.code);
  });

  it('runs the refresh hooks again (the Pusher re-check) until none fails', async () => {
    const node = start();
    const seen: string[] = [];
    let failures = 2;
    node.hub.onUserRefresh(async (user) => {
      seen.push(user?.userId ?? '*');
      if (failures-- > 0) throw new Error('database unavailable');
    });
    await expect(node.hub.refreshUser(TENANT, 'carol')).rejects.toThrow('database unavailable');
    clock.advance(250);
    await settle();
    clock.advance(500);
    await settle();
    clock.advance(5000);
    await settle();
    expect(seen).toEqual(['carol', 'carol', 'carol']);
  });
});
