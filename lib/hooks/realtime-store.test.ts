import { describe, expect, it } from 'vitest';
import { WebSocketClient } from '../realtime/client';
import { FakeNetwork, FakeSocket } from '../realtime/client/test-support';
import { bindClientToStore, createRealtimeStore } from './realtime-store';

describe('bindClientToStore', () => {
  it('mirrors state, user, queue, channels and presence of the one client into the store', () => {
    const sockets: FakeSocket[] = [];
    const network = new FakeNetwork();
    const client = new WebSocketClient({
      url: 'ws://test/ws',
      autoConnect: false,
      network,
      createSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
    });
    const store = createRealtimeStore({ id: 'u1', name: 'Anna (page)', role: 'sales' });
    const unbind = bindClientToStore(client, store);
    client.connect();
    expect(store.getState().connection.status).toBe('connecting');
    sockets[0]!.accept();
    expect(store.getState().connection.status).toBe('open');
    expect(store.getState().user).toEqual({ id: 'u1', name: 'Anna', role: 'sales' });

    client.subscribe('order:1');
    const [sub] = sockets[0]!.sentOfType('subscribe');
    sockets[0]!.deliver({
      type: 'subscribed',
      id: sub!.id,
      channel: 'order:1',
      epoch: 'e',
      seq: 2,
      presence: [
        { userId: 'u2', name: 'Napa', role: 'sales', status: 'online', connections: 1, updatedAt: 1 },
      ],
    });
    expect(store.getState().channels['order:1']).toMatchObject({ status: 'active', position: { seq: 2 } });
    expect(store.getState().presence['order:1']!.map((m) => m.name)).toEqual(['Napa']);

    network.goOffline();
    void client.publish('order:1', 'x', 1).catch(() => {});
    expect(store.getState()).toMatchObject({ connection: { status: 'offline' }, queued: 1, dropped: 0 });
    client.unsubscribe('order:1');
    expect(store.getState().channels['order:1']).toBeUndefined();

    unbind();
    network.goOnline();
    expect(store.getState().connection.status).toBe('offline');
    client.destroy();
  });
});
