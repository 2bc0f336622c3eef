import type { RpcReply, SyncClientTransport } from '../client/transport';
import type { SyncContext } from '../service/context';
import { dispatchSyncRpc, type syncHandlers } from '../service/register';

/** One queued message: what it is (for a harness's report of what is stuck) and how to deliver it. */
type Delivery = { label: string; run: () => Promise<void> };

type Connection = {
  id: string;
  ctx: SyncContext;
  connected: boolean;
  outbound: Delivery[];
  responses: Delivery[];
  events: Delivery[];
  channels: Map<string, Set<(event: string, data: unknown) => void>>;
  statusListeners: Set<(connected: boolean) => void>;
  failPending: Set<() => void>;
};

/**
 * A deterministic network between sync managers and the real sync service, in the spirit of tldraw's test
 * harness: requests, replies and room events wait in per-connection FIFO queues and are released one at a time
 * in an order chosen by a seeded random source; a disconnect loses whatever was queued.
 */
export function createFakeNetwork(handlers: ReturnType<typeof syncHandlers>, random: () => number) {
  const connections: Connection[] = [];
  let closedHandler: ((ctx: SyncContext) => Promise<void>) | null = null;

  function publish(input: { channel: string; event: string; data: unknown }) {
    const data = JSON.parse(JSON.stringify(input.data)) as unknown;
    for (const connection of connections) {
      const listeners = connection.channels.get(input.channel);
      if (!connection.connected || !listeners || listeners.size === 0) continue;
      connection.events.push({
        label: `${input.channel} ${input.event}`,
        run: async () => {
          for (const listener of [...(connection.channels.get(input.channel) ?? [])])
            listener(input.event, data);
        },
      });
    }
    return Promise.resolve({ epoch: 'fake', seq: 0 });
  }

  function connect(
    ctx: Omit<SyncContext, 'connectionId'>,
    id: string,
  ): SyncClientTransport & {
    disconnect(): Promise<void>;
    reconnect(): void;
    readonly connection: Connection;
  } {
    const connection: Connection = {
      id,
      ctx: { ...ctx, connectionId: id },
      connected: true,
      outbound: [],
      responses: [],
      events: [],
      channels: new Map(),
      statusListeners: new Set(),
      failPending: new Set(),
    };
    connections.push(connection);
    return {
      connection,
      rpc<T>(method: string, params: unknown): Promise<RpcReply<T>> {
        if (!connection.connected) {
          return Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'offline' } });
        }
        return new Promise((resolve) => {
          const fail = () =>
            resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'connection lost' } });
          connection.failPending.add(fail);
          const payload = JSON.parse(JSON.stringify(params)) as unknown;
          connection.outbound.push({
            label: method,
            run: async () => {
              const result = await dispatchSyncRpc(handlers, connection.ctx, method, payload);
              if (!connection.connected) return; // processed, but the reply is lost with the connection
              const reply = JSON.parse(
                JSON.stringify(
                  result.ok ? { ok: true, result: result.value } : { ok: false, error: result.error },
                ),
              ) as RpcReply<T>;
              connection.responses.push({
                label: `${method} ${reply.ok ? 'ok' : reply.error.code}`,
                run: async () => {
                  connection.failPending.delete(fail);
                  resolve(reply);
                },
              });
            },
          });
        });
      },
      subscribe(channel, listener) {
        const set = connection.channels.get(channel) ?? new Set();
        set.add(listener);
        connection.channels.set(channel, set);
        return () => set.delete(listener);
      },
      onConnectionChange(listener) {
        connection.statusListeners.add(listener);
        return () => connection.statusListeners.delete(listener);
      },
      isConnected: () => connection.connected,
      async disconnect() {
        if (!connection.connected) return;
        connection.connected = false;
        // Requests already on the wire may still reach the server; their replies are lost.
        const onWire = connection.outbound.splice(0).filter(() => random() < 0.5);
        for (const request of onWire) await request.run();
        connection.responses.length = 0;
        connection.events.length = 0;
        for (const fail of connection.failPending) fail();
        connection.failPending.clear();
        await closedHandler?.(connection.ctx);
        for (const listener of connection.statusListeners) listener(false);
      },
      reconnect() {
        if (connection.connected) return;
        connection.connected = true;
        for (const listener of connection.statusListeners) listener(true);
      },
    };
  }

  /** Releases one queued message, chosen at random among the heads of every queue. Returns false when idle. */
  async function step(): Promise<boolean> {
    const heads: Delivery[][] = [];
    for (const c of connections) {
      if (c.outbound.length) heads.push(c.outbound);
      if (c.responses.length) heads.push(c.responses);
      if (c.events.length) heads.push(c.events);
    }
    if (heads.length === 0) return false;
    const queue = heads[Math.floor(random() * heads.length)]!;
    const delivery = queue.shift()!;
    await delivery.run();
    await settle();
    return true;
  }

  /**
   * Releases the head of one queue of one connection (`outbound`: its next request reaches the server;
   * `responses`: its next reply reaches the client; `events`: its next room event), for a test that needs one
   * exact interleaving. Returns false when that queue is empty.
   */
  async function deliver(id: string, queue: 'outbound' | 'responses' | 'events'): Promise<boolean> {
    const connection = connections.find((c) => c.id === id);
    const delivery = connection?.[queue].shift();
    if (!delivery) return false;
    await delivery.run();
    await settle();
    return true;
  }

  return {
    publish,
    connect,
    step,
    deliver,
    onConnectionClosed(handler: (ctx: SyncContext) => Promise<void>) {
      closedHandler = handler;
    },
    queued: () =>
      connections.reduce((n, c) => n + c.outbound.length + c.responses.length + c.events.length, 0),
    /** What is still queued, per connection, by kind: for a harness's failure message. */
    describe(): string {
      const kinds = (list: Delivery[]) => {
        const counts = new Map<string, number>();
        for (const d of list) counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
        return [...counts].map(([label, n]) => `${label} x${n}`).join(', ') || '-';
      };
      return connections
        .filter((c) => c.outbound.length + c.responses.length + c.events.length > 0 || c.failPending.size > 0)
        .map(
          (c) =>
            `${c.id} (${c.connected ? 'connected' : 'disconnected'}, ${c.failPending.size} awaiting a reply): ` +
            `requests [${kinds(c.outbound)}] replies [${kinds(c.responses)}] events [${kinds(c.events)}]`,
        )
        .join('\n');
    },
  };
}

/** Lets promise chains started by a delivery run to their next wait. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
