import { createLogger } from '../../logger';
import { DEDUPE_TTL_MS } from '../bus';
import { MemoryBroker, MemoryBus } from '../bus/memory-bus';
import { MemoryConnections } from '../bus/memory-connections';
import { MemoryDedupe } from '../bus/memory-dedupe';
import { MemoryHistory } from '../bus/memory-history';
import { MemoryPresence } from '../bus/memory-presence';
import type { Backends, HistoryOptions } from '../bus/types';
import { type ClientMessage, type ServerMessage, serverMessage } from '../protocol';
import type { Clock } from './clock';
import type { Connection, HubUser } from './connection';
import { Hub, type HubLimits } from './hub';
import type { HubSocket, OutFrame } from './socket';
import { createUserDirectory, type StoredUser } from './user-directory';

/**
 * Driving a real Hub without a network: a socket that records what the hub sends (each frame checked against the
 * protocol's server messages) and how it was closed, and in-memory backends that read the same clock as the hub.
 */
export class RecordingSocket implements HubSocket {
  readonly frames: ServerMessage[] = [];
  closed: { code: number; reason: string } | null = null;
  bufferedAmount = 0;

  send(frame: OutFrame): void {
    if (this.closed) throw new Error('the hub sent a frame to a closed socket');
    this.frames.push(serverMessage.parse(JSON.parse(frame.text)));
  }

  close(code: number, reason: string): void {
    this.closed ??= { code, reason };
  }

  of<T extends ServerMessage['type']>(type: T): Extract<ServerMessage, { type: T }>[] {
    return this.frames.filter((frame): frame is Extract<ServerMessage, { type: T }> => frame.type === type);
  }

  /** The answer (ack or subscribed) to the client message with this id, if it came. */
  answer(id: string): ServerMessage | undefined {
    return this.frames.find(
      (frame) =>
        (frame.type === 'ack' || frame.type === 'subscribed' || frame.type === 'error') && frame.id === id,
    );
  }

  answers(id: string): ServerMessage[] {
    return this.frames.filter(
      (frame) =>
        (frame.type === 'ack' || frame.type === 'subscribed' || frame.type === 'error') && frame.id === id,
    );
  }
}

/** The in-process stores of one "deployment", shared by the nodes of a test. */
export type TestDeployment = {
  broker: MemoryBroker;
  history: MemoryHistory;
  presence: MemoryPresence;
  dedupe: MemoryDedupe;
  connections: MemoryConnections;
  users: Map<string, StoredUser>;
  /** While true, reading a user fails as it does with the database down. */
  usersUnreadable: boolean;
  close(): Promise<void>;
};

export function createDeployment(
  clock: Clock,
  options: { history?: HistoryOptions; presenceTtlSeconds?: number } = {},
): TestDeployment {
  const now = () => clock.now();
  const history = new MemoryHistory(options.history ?? { size: 100, ttlSeconds: 3600 }, now);
  const presence = new MemoryPresence(options.presenceTtlSeconds ?? 30, now);
  const dedupe = new MemoryDedupe(DEDUPE_TTL_MS, 1000, now);
  return {
    broker: new MemoryBroker(),
    history,
    presence,
    dedupe,
    connections: new MemoryConnections(presence),
    users: new Map(),
    usersUnreadable: false,
    close: async () => {
      await Promise.all([history.close(), presence.close(), dedupe.close()]);
    },
  };
}

export const testLimits: HubLimits = {
  maxFrameBytes: 4096,
  messagesPerSecond: 10,
  burst: 5,
  maxSubscriptions: 3,
  maxConnectionsPerUser: 2,
  heartbeatMs: 10_000,
  slowConsumerBytes: 64_000,
  presenceTtlMs: 30_000,
  presenceIdleMs: 60_000,
};

export type TestClient = {
  socket: RecordingSocket;
  conn: Connection;
  /** Sends a client message as a text frame. */
  send(message: ClientMessage): void;
  /** Sends raw text (malformed frames). */
  sendText(text: string): void;
};

export type TestNode = {
  hub: Hub;
  backends: Backends;
  /** Opens a connection as the gateway would after a valid upgrade; null when the hub refused it. */
  connect(user: HubUser, options?: { expiresAt?: number; socket?: RecordingSocket }): TestClient | null;
  close(): Promise<void>;
};

/** A hub on the deployment's stores with its own bus, reading `clock` (which may differ from other nodes'). */
export function createTestNode(
  deployment: TestDeployment,
  clock: Clock,
  options: { nodeId?: string; limits?: Partial<HubLimits> } = {},
): TestNode {
  const nodeId = options.nodeId ?? 'node-a';
  const bus = new MemoryBus(nodeId, deployment.broker);
  const backends: Backends = {
    redis: null,
    bus,
    history: deployment.history,
    presence: deployment.presence,
    dedupe: deployment.dedupe,
    connections: deployment.connections,
    close: () => bus.close(),
  };
  const directory = createUserDirectory(async (tenantId, userId) => {
    if (deployment.usersUnreadable) throw new Error('database unavailable');
    const stored = deployment.users.get(userId);
    return stored && stored.tenantId === tenantId ? { ...stored } : null;
  });
  const hub = new Hub({
    nodeId,
    logger: createLogger('silent'),
    backends,
    clock,
    limits: { ...testLimits, ...options.limits },
    loadUser: (tenantId, userId) => directory.load(tenantId, userId),
    peekUser: (tenantId, userId) => directory.peek(tenantId, userId),
    forgetUser: (tenantId, userId) => directory.forget(tenantId, userId),
    forgetAllUsers: () => directory.forgetAll(),
  });
  return {
    hub,
    backends,
    connect(user, connectOptions = {}) {
      const stored = deployment.users.get(user.id);
      const socket = connectOptions.socket ?? new RecordingSocket();
      const expiresAt = connectOptions.expiresAt ?? clock.now() + 24 * 3600_000;
      const conn = hub.connect(user, socket, expiresAt, stored?.sessionVersion ?? 1);
      if (!conn) return null;
      return {
        socket,
        conn,
        send: (message) => hub.receive(conn, JSON.stringify(message)),
        sendText: (text) => hub.receive(conn, text),
      };
    },
    close: async () => {
      await hub.shutdown();
      await backends.close();
    },
  };
}

/** Lets every promise the hub started settle (the in-memory backends answer in microtasks, never on a timer). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
