import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../protocol';
import { ManualClock } from './clock';
import type { HubUser } from './connection';
import {
  createDeployment,
  createTestNode,
  settle,
  type TestClient,
  type TestDeployment,
  type TestNode,
  testLimits,
} from './test-support';

const alice: HubUser = { id: 'alice', tenantId: 't1', role: 'sales', name: 'Alice' };
const bob: HubUser = { id: 'bob', tenantId: 't1', role: 'sales', name: 'Bob' };
const vera: HubUser = { id: 'vera', tenantId: 't1', role: 'viewer', name: 'Vera' };
const olga: HubUser = { id: 'olga', tenantId: 't2', role: 'sales', name: 'Olga' };

let clock: ManualClock;
let deployment: TestDeployment;
let nodes: TestNode[];
let ids = 0;

function node(nodeId = 'node-a'): TestNode {
  const created = createTestNode(deployment, clock, { nodeId });
  nodes.push(created);
  return created;
}

function open(on: TestNode, user: HubUser): TestClient {
  const client = on.connect(user);
  if (!client) throw new Error(`${user.id} was refused`);
  return client;
}

/** Sends a frame within the client's rate (the clock moves on by one token's worth first). */
function sendText(client: TestClient, text: string): void {
  clock.advance(1000 / testLimits.messagesPerSecond);
  client.sendText(text);
}

async function subscribe(client: TestClient, channel: string): Promise<void> {
  const id = `s${++ids}`;
  sendText(client, JSON.stringify({ type: 'subscribe', id, channel }));
  await expect.poll(() => client.socket.answer(id)?.type).toBe('subscribed');
}

function signal(client: TestClient, fields: Record<string, unknown>): void {
  sendText(client, JSON.stringify({ type: 'signal', ...fields }));
}

function codeOf(answer: ServerMessage | undefined): string | undefined {
  if (answer?.type === 'ack' && !answer.ok) return answer.error.code;
  if (answer?.type === 'error') return answer.error.code;
  return undefined;
}

beforeEach(() => {
  clock = new ManualClock();
  nodes = [];
  ids = 0;
  deployment = createDeployment(clock);
  for (const user of [alice, bob, vera, olga])
    deployment.users.set(user.id, { ...user, active: true, sessionVersion: 1 });
});

afterEach(async () => {
  for (const created of nodes) await created.close();
  await deployment.close();
});

describe('Hub: ephemeral signals', () => {
  it("reaches the channel's other subscribers with an actor, never its sender, and is neither sequenced nor stored", async () => {
    const hub = node();
    const writer = open(hub, alice);
    const reader = open(hub, bob);
    await subscribe(writer, 'order:42');
    await subscribe(reader, 'order:42');
    signal(writer, { channel: 'order:42', event: 'caret', data: { at: 3 } });
    signal(writer, { id: 'with-ack', channel: 'order:42', event: 'caret', data: { at: 4 } });
    await expect.poll(() => reader.socket.of('signal').length).toBe(2);
    expect(reader.socket.of('signal')).toEqual([
      {
        type: 'signal',
        channel: 'order:42',
        event: 'caret',
        data: { at: 3 },
        actor: { id: 'alice', name: 'Alice' },
        ts: expect.any(Number),
      },
      expect.objectContaining({ data: { at: 4 } }),
    ]);
    expect(writer.socket.of('signal')).toEqual([]);
    // Only the message with an id is acknowledged.
    expect(writer.socket.of('ack')).toEqual([{ type: 'ack', id: 'with-ack', ok: true }]);
    // Nothing was sequenced: a new subscriber starts at seq 0 and is replayed nothing.
    const late = open(hub, bob);
    await subscribe(late, 'order:42');
    expect(late.socket.of('subscribed')[0]?.seq).toBe(0);
    expect(late.socket.of('signal')).toEqual([]);
  });

  it('keeps tenants apart, on one node and across nodes', async () => {
    const a = node('node-a');
    const b = node('node-b');
    const writer = open(a, alice);
    const sameTenantElsewhere = open(b, bob);
    const otherTenantHere = open(a, olga);
    const otherTenantElsewhere = open(b, olga);
    for (const client of [writer, sameTenantElsewhere, otherTenantHere, otherTenantElsewhere])
      await subscribe(client, 'order:42');
    signal(writer, { channel: 'order:42', event: 'typing', data: true });
    await expect.poll(() => sameTenantElsewhere.socket.of('signal').length).toBe(1);
    await settle();
    expect(otherTenantHere.socket.of('signal')).toEqual([]);
    expect(otherTenantElsewhere.socket.of('signal')).toEqual([]);
  });

  it('is authorised like a publish: a viewer, a server-only feed, an unsubscribed or unknown channel are refused', async () => {
    const hub = node();
    const viewer = open(hub, vera);
    const writer = open(hub, alice);
    const reader = open(hub, bob);
    await subscribe(viewer, 'order:42');
    await subscribe(writer, 'orders');
    await subscribe(reader, 'order:42');
    await subscribe(reader, 'orders');
    signal(viewer, { id: 'v1', channel: 'order:42', event: 'caret', data: 1 });
    signal(viewer, { channel: 'order:42', event: 'caret', data: 1 });
    signal(writer, { id: 'w1', channel: 'orders', event: 'caret', data: 1 });
    signal(writer, { id: 'w2', channel: 'order:7', event: 'caret', data: 1 });
    signal(writer, { id: 'w3', channel: 'nonsense', event: 'caret', data: 1 });
    await expect.poll(() => codeOf(writer.socket.answer('w3'))).toBe('UNKNOWN_CHANNEL');
    expect(codeOf(viewer.socket.answer('v1'))).toBe('FORBIDDEN');
    // Without an id the refusal is an error frame.
    expect(viewer.socket.of('error').map((frame) => frame.error.code)).toEqual(['FORBIDDEN']);
    expect(codeOf(writer.socket.answer('w1'))).toBe('FORBIDDEN');
    expect(codeOf(writer.socket.answer('w2'))).toBe('NOT_SUBSCRIBED');
    expect(reader.socket.of('signal')).toEqual([]);
  });

  it('follows the stored role: a writer lowered to viewer is refused from then on', async () => {
    const hub = node();
    const writer = open(hub, alice);
    const reader = open(hub, bob);
    await subscribe(writer, 'order:42');
    await subscribe(reader, 'order:42');
    signal(writer, { channel: 'order:42', event: 'caret', data: 1 });
    await expect.poll(() => reader.socket.of('signal').length).toBe(1);
    deployment.users.set('alice', { ...alice, role: 'viewer', active: true, sessionVersion: 1 });
    await hub.hub.refreshUser('t1', 'alice');
    signal(writer, { id: 'after', channel: 'order:42', event: 'caret', data: 2 });
    await expect.poll(() => codeOf(writer.socket.answer('after'))).toBe('FORBIDDEN');
    expect(reader.socket.of('signal')).toHaveLength(1);
  });

  it('asks the channel guard when the kind needs one (a conversation whose participants changed)', async () => {
    const hub = node();
    const participants = new Set(['alice', 'bob']);
    hub.hub.setChannelGuard('conversation', async (user) => participants.has(user.id));
    const writer = open(hub, alice);
    const reader = open(hub, bob);
    await subscribe(writer, 'conversation:c1');
    await subscribe(reader, 'conversation:c1');
    signal(writer, { id: 'g1', channel: 'conversation:c1', event: 'typing', data: true });
    await expect.poll(() => writer.socket.answer('g1')).toMatchObject({ type: 'ack', ok: true });
    expect(reader.socket.of('signal')).toHaveLength(1);
    participants.delete('alice');
    signal(writer, { id: 'g2', channel: 'conversation:c1', event: 'typing', data: false });
    await expect.poll(() => codeOf(writer.socket.answer('g2'))).toBe('FORBIDDEN');
    expect(reader.socket.of('signal')).toHaveLength(1);
  });

  it('answers bad input with its error code and counts it against the rate limit', async () => {
    const hub = node();
    const client = open(hub, alice);
    await subscribe(client, 'order:42');
    signal(client, { id: 'no-event', channel: 'order:42', data: 1 });
    signal(client, { id: 'long-event', channel: 'order:42', event: 'x'.repeat(65), data: 1 });
    signal(client, { id: '', channel: 'order:42', event: 'caret' });
    signal(client, { id: 'no-channel', event: 'caret' });
    await expect.poll(() => client.socket.of('error').length).toBe(4);
    expect(client.socket.of('error').map((frame) => [frame.error.code, frame.id])).toEqual([
      ['BAD_FRAME', 'no-event'],
      ['BAD_FRAME', 'long-event'],
      ['BAD_FRAME', undefined],
      ['BAD_FRAME', 'no-channel'],
    ]);
    // A burst past the bucket is rate limited like any other message.
    for (let i = 0; i < testLimits.burst + 1; i++)
      client.sendText(
        JSON.stringify({ type: 'signal', id: `r${i}`, channel: 'order:42', event: 'caret', data: i }),
      );
    await expect.poll(() => codeOf(client.socket.answer(`r${testLimits.burst}`))).toBe('RATE_LIMITED');
  });
});
