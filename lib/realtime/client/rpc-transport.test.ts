import { describe, expect, it } from 'vitest';
import { createRpcTransport } from './rpc-transport';
import { FakeNetwork, FakeSocket } from './test-support';
import { WebSocketClient } from './websocket-client';

function setup() {
  const sockets: FakeSocket[] = [];
  const client = new WebSocketClient({
    url: 'ws://test/ws',
    network: new FakeNetwork(),
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  });
  return { client, socket: () => sockets.at(-1)!, transport: createRpcTransport(client) };
}

describe('createRpcTransport', () => {
  it('answers UNAVAILABLE without a connection instead of throwing', async () => {
    const { transport, client } = setup();
    expect(transport.isConnected()).toBe(false);
    await expect(transport.rpc('sync.push', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE' },
    });
    client.destroy();
  });

  it('passes results and server error codes through, and reports connection changes', async () => {
    const { transport, socket, client } = setup();
    const changes: boolean[] = [];
    transport.onConnectionChange((c) => changes.push(c));
    socket().accept();
    expect(changes).toEqual([true]);
    const ok = transport.rpc('a', 1);
    const refused = transport.rpc('b', 2);
    const [first, second] = socket().sentOfType('rpc');
    socket().deliver({ type: 'ack', id: first!.id, ok: true, result: { v: 2 } });
    socket().deliver({
      type: 'ack',
      id: second!.id,
      ok: false,
      error: { code: 'STALE_VERSION', message: 'old' },
    });
    await expect(ok).resolves.toEqual({ ok: true, result: { v: 2 } });
    await expect(refused).resolves.toMatchObject({
      ok: false,
      error: { code: 'STALE_VERSION', message: 'old' },
    });
    const events: unknown[] = [];
    transport.subscribe('order:1', (event, data) => events.push([event, data]));
    const [sub] = socket().sentOfType('subscribe');
    socket().deliver({
      type: 'subscribed',
      id: sub!.id,
      channel: 'order:1',
      epoch: 'e',
      seq: 0,
      presence: [],
    });
    socket().deliver({
      type: 'event',
      channel: 'order:1',
      epoch: 'e',
      seq: 1,
      event: 'changed',
      data: 5,
      ts: 0,
    });
    expect(events).toEqual([['changed', 5]]);
    client.disconnect();
    expect(changes).toEqual([true, false]);
  });
});
