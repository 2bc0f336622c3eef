import { describe, expect, it } from 'vitest';
import { createLogger } from '../logger';
import type { OutFrame } from '../realtime/server/socket';
import { LocalPusherBus, type PusherBus, type PusherBusMessage } from './bus';
import { loadPusherConfig, PusherApps } from './config';
import type { PusherSocket } from './connection';
import { createDomainBridge } from './domain-bridge';
import { PusherServer } from './server';
import { signChannel } from './signatures';
import { MemoryPusherState } from './state/memory-state';
import { WebhookSender } from './webhooks';

/** A socket that keeps what the server sent: no network, the server is pure logic behind PusherSocket. */
class FakeSocket implements PusherSocket {
  readonly sent: { event: string; channel?: string; data?: unknown }[] = [];
  closed: { code: number; reason: string } | null = null;
  send(frame: OutFrame): void {
    this.sent.push(JSON.parse(frame.text));
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  bufferedAmount(): number {
    return 0;
  }
  ping(): void {}
  events(name: string) {
    return this.sent.filter((frame) => frame.event === name);
  }
}

/** A bus that records what it is asked to carry; `alone` says whether another node could hear it. */
class RecordingBus implements PusherBus {
  readonly kind = 'memory' as const;
  readonly carried: PusherBusMessage[] = [];
  constructor(public lonely: boolean) {}
  alone(): boolean {
    return this.lonely;
  }
  publish(message: PusherBusMessage): void {
    this.carried.push(message);
  }
  onMessage(): void {}
  async close(): Promise<void> {}
}

function setup(
  limits: Partial<{ messagesPerSecond: number; burst: number; maxSubscriptions: number }> = {},
  bus: PusherBus = new LocalPusherBus(),
) {
  const config = loadPusherConfig({
    NODE_ENV: 'test',
    PUSHER_APPS: JSON.stringify([{ id: 'a', key: 'k', secret: 's' }]),
  });
  const apps = new PusherApps(config);
  const state = new MemoryPusherState();
  const logger = createLogger('silent');
  const server = new PusherServer({
    apps,
    state,
    bus,
    webhooks: new WebhookSender({ logger }),
    logger,
    limits: {
      messagesPerSecond: 100,
      burst: 100,
      maxSubscriptions: 10,
      slowConsumerBytes: 1 << 20,
      ...limits,
    },
  });
  const app = apps.byId('a')!;
  const connect = async () => {
    const socket = new FakeSocket();
    const connection = (await server.open(app, socket))!;
    return { socket, connection };
  };
  return { server, state, app, connect };
}

describe('PusherServer with fake sockets', () => {
  it('confirms a repeated subscribe without counting it twice', async () => {
    const { state, connect } = await setup();
    const { socket, connection } = await connect();
    for (let i = 0; i < 3; i++)
      connection.receive(JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'news' } }));
    await connection.settled();
    expect(socket.events('pusher_internal:subscription_succeeded')).toHaveLength(3);
    expect(await state.subscriptionCount('a', 'news')).toBe(1);
    connection.socketClosed();
    await connection.settled();
    expect(await state.subscriptionCount('a', 'news')).toBe(0);
  });

  it('re-joins a presence channel as another user: the old member leaves, the new one joins', async () => {
    const { state, app, connect } = await setup();
    const { connection } = await connect();
    const join = (userId: string) => {
      const channelData = JSON.stringify({ user_id: userId });
      const auth = signChannel(app, connection.socketId, 'presence-r', channelData);
      connection.receive(
        JSON.stringify({
          event: 'pusher:subscribe',
          data: { channel: 'presence-r', auth, channel_data: channelData },
        }),
      );
    };
    join('u1');
    join('u2');
    await connection.settled();
    expect([...(await state.members('a', 'presence-r')).keys()]).toEqual(['u2']);
  });

  it('refuses subscriptions past the limit and closes a flood with 4100', async () => {
    const { connect } = await setup({ maxSubscriptions: 2, messagesPerSecond: 1, burst: 3 });
    const { socket, connection } = await connect();
    for (const channel of ['a', 'b', 'c'])
      connection.receive(JSON.stringify({ event: 'pusher:subscribe', data: { channel } }));
    await connection.settled();
    expect(socket.events('pusher:subscription_error')).toEqual([
      expect.objectContaining({ channel: 'c', data: expect.objectContaining({ type: 'SubscriptionLimit' }) }),
    ]);
    for (let i = 0; i < 10; i++) connection.receive('{"event":"pusher:ping","data":{}}');
    expect(socket.events('pusher:error').some((f) => (f.data as { code: number }).code === 4301)).toBe(true);
    expect(socket.closed?.code).toBe(4100);
  });

  it('answers every invalid frame with pusher:error and keeps the socket (as Pusher, Soketi and Reverb do)', async () => {
    const { connect } = await setup();
    const { socket, connection } = await connect();
    for (let i = 0; i < 30; i++) connection.receive('{"event":"pusher:subscribe","data":{}}');
    connection.receive('not json');
    await connection.settled();
    expect(socket.events('pusher:error')).toHaveLength(31);
    expect(socket.closed).toBeNull();
  });

  it('delivers a server event to subscribers except the excluded socket', async () => {
    const { server, connect } = await setup();
    const first = await connect();
    const second = await connect();
    for (const { connection } of [first, second])
      connection.receive(JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'news' } }));
    await Promise.all([first.connection.settled(), second.connection.settled()]);
    server.publish({
      appId: 'a',
      channels: ['news'],
      event: 'e',
      data: '{"n":1}',
      exceptSocketId: second.connection.socketId,
    });
    expect(first.socket.events('e')).toEqual([{ event: 'e', channel: 'news', data: '{"n":1}' }]);
    expect(second.socket.events('e')).toEqual([]);
  });

  it('frames an event only when a socket could hear it: one here, or another node', async () => {
    const bus = new RecordingBus(true);
    const { server, connect } = await setup({}, bus);
    const event = { appId: 'a', channels: ['news'], event: 'e', data: '{"n":1}' };
    // Alone, and nobody here listens: nothing is framed, nothing is carried.
    expect(server.reaches('a', 'news')).toBe(false);
    server.publish(event);
    expect(bus.carried).toEqual([]);
    // Another node joined: it may have listeners, so the event is carried there.
    bus.lonely = false;
    expect(server.reaches('a', 'news')).toBe(true);
    server.publish(event);
    expect(bus.carried.map((message) => message.kind === 'event' && message.channel)).toEqual(['news']);
    // Alone again, with a listener here: delivered here (and carried, as every local delivery is).
    bus.lonely = true;
    const { socket, connection } = await connect();
    connection.receive(JSON.stringify({ event: 'pusher:subscribe', data: { channel: 'news' } }));
    await connection.settled();
    expect(server.reaches('a', 'news')).toBe(true);
    server.publish(event);
    expect(socket.events('e')).toEqual([{ event: 'e', channel: 'news', data: '{"n":1}' }]);
    // The listener left: nothing again.
    connection.socketClosed();
    await connection.settled();
    expect(server.reaches('a', 'news')).toBe(false);
  });
  it("bridges a domain event to this node's listeners only: another node mirrors the hub event itself", async () => {
    const bus = new RecordingBus(false);
    const { server, app, connect } = await setup({}, bus);
    const bridge = createDomainBridge(server, 'a');
    const tenant = '7d0c3f0e-9a52-4a8e-9f57-3f4f3a1c2b10';
    const channel = `private-products.${tenant}`;
    const actor = { id: 'u1', name: 'Anna' };
    // Nobody here listens: nothing is framed, and nothing is carried although other nodes are on the bus.
    bridge.published({
      tenantId: tenant,
      channel: 'products',
      event: 'product.updated',
      data: { n: 1 },
      actor,
    });
    expect(bus.carried).toEqual([]);
    const { socket, connection } = await connect();
    const auth = signChannel(app, connection.socketId, channel);
    connection.receive(JSON.stringify({ event: 'pusher:subscribe', data: { channel, auth } }));
    await connection.settled();
    // Published here, then the same kind of event from another node as the hub's frame: both delivered here.
    bridge.published({
      tenantId: tenant,
      channel: 'products',
      event: 'product.updated',
      data: { n: 2 },
      actor,
    });
    bridge.received(
      `${tenant}:products`,
      `{"type":"event","channel":"products","epoch":"e1","seq":7,"event":"product.updated","data":{"n":3},` +
        `"actor":{"id":"u2","name":"Napa"},"ts":1}`,
    );
    // Another tenant's channel, a channel that is not bridged, and a frame of another shape: nothing.
    bridge.received('0b7c1a52-4d8e-4f3a-9c2b-5e6f7a8b9c0d:products', '{"event":"product.updated","data":{}}');
    bridge.received(`${tenant}:nowhere`, '{"event":"x","data":{}}');
    bridge.received(`${tenant}:products`, '{"type":"event","data":{}}');
    expect(socket.events('product.updated')).toEqual([
      { event: 'product.updated', channel, data: JSON.stringify({ n: 2, actor }) },
      {
        event: 'product.updated',
        channel,
        data: JSON.stringify({ n: 3, actor: { id: 'u2', name: 'Napa' } }),
      },
    ]);
    expect(bus.carried).toEqual([]);
  });
});
