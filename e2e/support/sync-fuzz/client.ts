import type { WebSocket } from 'ws';
import { createRpcTransport } from '../../../lib/realtime/client';
import type { NetworkMonitor, SocketLike } from '../../../lib/realtime/client/environment';
import { WebSocketClient } from '../../../lib/realtime/client/websocket-client';
import { createDurableOutbox } from '../../../lib/sync/client/durable-outbox';
import { createMemoryOutboxStore, type OutboxStore } from '../../../lib/sync/client/outbox-store';
import {
  createRealtimeSyncManager,
  type RealtimeSyncManager,
  type RealtimeSyncManagerOptions,
  type SyncNotice,
} from '../../../lib/sync/client/realtime-sync-manager';
import { createMemoryTabLocks, type TabLocks } from '../../../lib/sync/client/tab-locks';
import type { SyncClientTransport } from '../../../lib/sync/client/transport';
import { type FuzzCluster, type FuzzPerson, fuzzSocket } from './cluster';

/**
 * Makes the sync manager of one client session. The default is the plain manager; a caller can pass one that
 * adds storage shared across sessions of the same client (e.g. a durable outbox), so that a reload keeps what
 * was not yet acknowledged. `session` counts the reloads of the client.
 */
export type ManagerFactory = (
  options: RealtimeSyncManagerOptions,
  context: { client: number; session: number; userId: string; entityId: string },
) => RealtimeSyncManager;

export const plainManager: ManagerFactory = (options) => createRealtimeSyncManager(options);

/**
 * Managers with a durable outbox: each fuzz client is one browser (its own store and tab locks, kept across its
 * reloads), each session a page with its own slot. A reload stops the old page (its last write lands, its locks
 * go) and the new page adopts and replays what it left.
 */
export function outboxManagers(): ManagerFactory {
  const browsers = new Map<number, { store: OutboxStore; locks: TabLocks }>();
  return (options, context) => {
    let browser = browsers.get(context.client);
    if (!browser) {
      browser = { store: createMemoryOutboxStore(), locks: createMemoryTabLocks() };
      browsers.set(context.client, browser);
    }
    const outbox = createDurableOutbox({
      ...browser,
      entityId: context.entityId,
      userId: context.userId,
      slot: `c${context.client}-s${context.session}`,
    });
    return createRealtimeSyncManager({ ...options, outbox });
  };
}

/** What a client's transport saw: every push it sent (with its base) and every answer. */
export type RpcObserver = (event: {
  client: number;
  session: number;
  method: string;
  params: unknown;
  reply: { ok: true; result: unknown } | { ok: false; error: { code: string; message: string } };
}) => void;

/** A network the fuzz switches off and on (what `navigator.onLine` and the online/offline events give a tab). */
class FuzzNetwork implements NetworkMonitor {
  online = true;
  private listeners = new Set<{ on: () => void; off: () => void }>();
  isOnline = () => this.online;
  subscribe(onOnline: () => void, onOffline: () => void) {
    const entry = { on: onOnline, off: onOffline };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }
  set(online: boolean) {
    this.online = online;
    for (const entry of this.listeners) (online ? entry.on : entry.off)();
  }
}

export type Session = {
  index: number;
  socketClient: WebSocketClient;
  transport: SyncClientTransport;
  manager: RealtimeSyncManager;
  notices: SyncNotice[];
  endedBy: 'reload' | null;
};

/**
 * One person's tab on the order: a real WebSocketClient over `ws` to a node, the real sync manager on top,
 * and the faults the fuzz injects (abrupt socket death, offline periods, reload).
 */
export class FuzzClient {
  readonly sessions: Session[] = [];
  private readonly network = new FuzzNetwork();
  private socket: WebSocket | null = null;

  constructor(
    readonly index: number,
    readonly person: FuzzPerson,
    private readonly deps: {
      cluster: FuzzCluster;
      entityId: string;
      /** Draws this client's node at each (re)connect: a stream of its own (reconnects follow the timing). */
      random: () => number;
      newId: () => string;
      createManager: ManagerFactory;
      observe: RpcObserver;
    },
  ) {}

  get session(): Session {
    return this.sessions.at(-1)!;
  }

  get manager(): RealtimeSyncManager {
    return this.session.manager;
  }

  get online(): boolean {
    return this.network.online;
  }

  get connected(): boolean {
    return this.session.socketClient.state.status === 'open';
  }

  /** Opens a new session (a page load): connects and starts syncing; does not wait for the connection. */
  async open(): Promise<void> {
    const { cluster, entityId, random, newId, createManager, observe } = this.deps;
    const index = this.sessions.length;
    const socketClient = new WebSocketClient({
      url: cluster.urlFor(0),
      // Every (re)connect picks a node, as a load balancer would.
      createSocket: () => {
        if (!this.network.online) throw new Error('offline');
        const socket = fuzzSocket(
          cluster.urlFor(Math.floor(random() * cluster.servers.length)),
          this.person.cookie,
        );
        this.socket = socket;
        return socket as unknown as SocketLike;
      },
      network: this.network,
      reconnectInterval: 20,
      maxReconnectInterval: 200,
      heartbeatInterval: 5_000,
      ackTimeout: 5_000,
      log: () => {},
    });
    const rpc = createRpcTransport(socketClient);
    const client = this.index;
    const transport: SyncClientTransport = {
      async rpc<T>(method: string, params: unknown) {
        const reply = await rpc.rpc<T>(method, params);
        observe({ client, session: index, method, params, reply });
        return reply;
      },
      subscribe: rpc.subscribe,
      onConnectionChange: rpc.onConnectionChange,
      isConnected: rpc.isConnected,
    };
    const manager = createManager(
      { transport, entityId, user: { id: this.person.id, name: this.person.name }, newId, throttleMs: 30 },
      { client, session: index, userId: this.person.id, entityId },
    );
    const session: Session = { index, socketClient, transport, manager, notices: [], endedBy: null };
    manager.onNotice((notice) => session.notices.push(notice));
    this.sessions.push(session);
    socketClient.connect();
    await manager.startSync();
  }

  /** An RPC on the current session's connection (the admin's policy switches and conflict lists). */
  rpc(method: string, params: unknown) {
    return this.session.transport.rpc(method, params);
  }

  /** The connection dies without a close frame; the client reconnects on its own. */
  terminate(): void {
    this.socket?.terminate();
  }

  /** The network goes away (the socket dies abruptly); the person keeps editing. */
  goOffline(): void {
    this.socket?.terminate();
    this.network.set(false);
  }

  goOnline(): void {
    this.network.set(true);
  }

  /**
   * The tab reloads: the socket dies, the page's manager is gone (whatever it held in memory is lost unless the
   * manager factory keeps it), and a new session opens for the same person and order.
   */
  async reload(): Promise<void> {
    const old = this.session;
    old.endedBy = 'reload';
    this.socket?.terminate();
    old.socketClient.destroy();
    // A dead page runs nothing more: stop its timers (its lock releases fail, the socket is gone).
    await old.manager.stopSync();
    await this.open();
  }

  async close(): Promise<void> {
    this.socket?.terminate();
    this.session.socketClient.destroy();
    await this.session.manager.stopSync();
  }
}
