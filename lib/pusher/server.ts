import { randomInt } from 'node:crypto';
import type { Logger } from '../logger';
import { OutFrame } from '../realtime/server/socket';
import type { PusherBus, PusherBusMessage } from './bus';
import type { PusherApp, PusherApps } from './config';
import type {
  ConnectionHost,
  ConnectionLimits,
  Grant,
  GrantVerdict,
  JoinResult,
  PusherSocket,
  Subscription,
} from './connection';
import { PusherConnection } from './connection';
import { domainChannelOf } from './domain-channels';
import { pusherCodes } from './errors';
import { type PresenceSnapshot, serverMessages } from './protocol';
import type { Orphans, PusherState } from './state/types';
import type { WebhookSender } from './webhooks';

/** Counters the host process may export (the hub's metrics); all optional. */
export type PusherObserver = {
  connectionOpened?(appId: string): void;
  connectionClosed?(appId: string): void;
  delivered?(frames: number): void;
  received?(): void;
};

export type PusherServerDeps = {
  apps: PusherApps;
  state: PusherState;
  bus: PusherBus;
  webhooks: WebhookSender;
  logger: Logger;
  limits: ConnectionLimits;
  observer?: PusherObserver;
  now?: () => number;
  /** The app that carries Omni-Sales' domain channels: those are server-written, never open to client events. */
  domainAppId?: string;
  /** Judges grants (signatures issued to a user) of the domain app's connections: lib/pusher/domain-grants.ts. */
  grants?: (grant: Grant, channel: string | null) => Promise<GrantVerdict>;
  /** The presence user_info the domain app signs for a grant's user as stored now (undefined: the user is gone). */
  memberInfo?: (grant: Grant) => Promise<unknown>;
};

export type PublishRequest = {
  appId: string;
  channels: string[];
  event: string;
  /** Server events carry their data as the string the backend sent (usually JSON text). */
  data: string;
  exceptSocketId?: string;
};

/** Pusher socket ids look like `1234.5678`; the random halves keep them unguessable across nodes. */
function newSocketId(): string {
  return `${randomInt(1, 2 ** 31 - 1)}.${randomInt(1, 2 ** 31 - 1)}`;
}

/**
 * The Pusher side of one node: its connections, which of them listen on which channel, and the cluster-wide
 * transitions (occupied, vacated, member added/removed) the state store decides. Events for a channel are
 * delivered to this node's subscribers directly and carried to the other nodes by the bus.
 */
export class PusherServer implements ConnectionHost {
  readonly now: () => number;
  readonly #subscribers = new Map<string, Set<PusherConnection>>();
  readonly #connections = new Set<PusherConnection>();
  #closing = false;

  constructor(private readonly deps: PusherServerDeps) {
    this.now = deps.now ?? Date.now;
    deps.bus.onMessage((message) => this.#fromBus(message));
    deps.state.onOrphans((orphans) => this.#orphans(orphans));
  }

  get apps(): PusherApps {
    return this.deps.apps;
  }

  /** Client events are refused on the domain channels (viewers may read them, nobody but the server writes). */
  acceptsClientEvents(connection: PusherConnection, channel: string): boolean {
    return !(connection.app.id === this.deps.domainAppId && domainChannelOf(channel) !== null);
  }

  /** Grants are judged on the domain app only (other apps' backends sign for users we do not know). */
  checkGrant(connection: PusherConnection, grant: Grant, channel: string | null): Promise<GrantVerdict> {
    const judge = this.deps.grants;
    if (!judge || connection.app.id !== this.deps.domainAppId) return Promise.resolve('ok');
    return judge(grant, channel);
  }

  /**
   * A user's role, status or sessions changed (null: anyone's may have): this node's connections re-check the
   * grants issued to them. Every node does this itself, on the hub's user refresh.
   */
  async recheckGrants(user: { tenantId: string; userId: string } | null): Promise<void> {
    const affected = [...this.#connections].filter(
      (connection) =>
        connection.app.id === this.deps.domainAppId &&
        (user === null ||
          connection.user?.grant?.userId === user.userId ||
          [...connection.subscriptions.values()].some(
            (subscription) => subscription.grant?.userId === user.userId,
          )),
    );
    await Promise.all(affected.map((connection) => connection.recheck(user)));
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * A socket arrived on /app/{key}. Returns the connection (after connection_established was sent), or null when
   * the app refused it (the socket was then told why and closed).
   */
  async open(app: PusherApp, socket: PusherSocket): Promise<PusherConnection | null> {
    const refuse = (code: { code: number; message: string }) => {
      socket.send(new OutFrame(JSON.stringify(serverMessages.error(code.code, code.message))));
      socket.close(code.code, code.message);
      return null;
    };
    if (this.#closing) return refuse(pusherCodes.reconnect);
    if (!app.enabled) return refuse(pusherCodes.appDisabled);
    const count = await this.deps.state.addConnection(app.id);
    if (app.maxConnections !== null && count > app.maxConnections) {
      await this.deps.state.removeConnection(app.id);
      return refuse(pusherCodes.overQuota);
    }
    const connection = new PusherConnection(newSocketId(), app, socket, this, this.deps.limits);
    this.#connections.add(connection);
    this.deps.observer?.connectionOpened?.(app.id);
    return connection;
  }

  async join(
    connection: PusherConnection,
    channel: string,
    subscription: Subscription,
    userInfo?: unknown,
  ): Promise<JoinResult> {
    const { app } = connection;
    const { state } = this.deps;
    const userId = subscription.type === 'presence' ? subscription.userId : undefined;
    // The member limit is checked and the member added in one atomic step, so nodes cannot overshoot it together.
    const members =
      userId === undefined
        ? null
        : await state.addMember(app.id, channel, userId, userInfo, app.maxPresenceMembers);
    if (members === 'full')
      return {
        ok: false,
        type: 'LimitReached',
        error: 'The maximum number of members was reached',
        status: 4100,
      };
    const key = `${app.id}\n${channel}`;
    let local = this.#subscribers.get(key);
    if (!local) {
      local = new Set();
      this.#subscribers.set(key, local);
    }
    local.add(connection);
    if ((await state.addSubscription(app.id, channel)) === 1)
      this.deps.webhooks.emit(app, { name: 'channel_occupied', channel });
    if (userId === undefined) return { ok: true };
    if (members === 1) {
      const frame = JSON.stringify(serverMessages.memberAdded(channel, userId, userInfo));
      this.broadcast(app.id, channel, frame, connection.socketId);
      this.deps.webhooks.emit(app, { name: 'member_added', channel, user_id: userId });
    }
    return { ok: true, presence: await this.presence(connection, channel) };
  }

  /**
   * A domain presence member whose name or role changed: the stored user_info is replaced, and the one node whose
   * replacement took effect tells the channel with member_removed then member_added (the protocol has no update;
   * pusher-js and Echo apply the pair as a change). Not a membership change, so no webhook.
   */
  async refreshMember(
    connection: PusherConnection,
    channel: string,
    subscription: Subscription,
  ): Promise<void> {
    const { app } = connection;
    const load = this.deps.memberInfo;
    const { userId, grant } = subscription;
    if (!load || app.id !== this.deps.domainAppId || userId === undefined || !grant) return;
    const info = await load(grant);
    if (info === undefined || !(await this.deps.state.updateMember(app.id, channel, userId, info))) return;
    this.broadcast(app.id, channel, JSON.stringify(serverMessages.memberRemoved(channel, userId)));
    this.broadcast(app.id, channel, JSON.stringify(serverMessages.memberAdded(channel, userId, info)));
  }

  async presence(connection: PusherConnection, channel: string): Promise<PresenceSnapshot> {
    const members = await this.deps.state.members(connection.app.id, channel);
    return { ids: [...members.keys()], hash: Object.fromEntries(members), count: members.size };
  }

  async leave(connection: PusherConnection, channel: string, subscription: Subscription): Promise<void> {
    const { app } = connection;
    const { state } = this.deps;
    const key = `${app.id}\n${channel}`;
    const local = this.#subscribers.get(key);
    local?.delete(connection);
    if (local?.size === 0) this.#subscribers.delete(key);
    try {
      if ((await state.removeSubscription(app.id, channel)) === 0)
        this.deps.webhooks.emit(app, { name: 'channel_vacated', channel });
      if (subscription.type === 'presence' && subscription.userId !== undefined) {
        const userId = subscription.userId;
        if ((await state.removeMember(app.id, channel, userId)) === 0) {
          this.broadcast(app.id, channel, JSON.stringify(serverMessages.memberRemoved(channel, userId)));
          this.deps.webhooks.emit(app, { name: 'member_removed', channel, user_id: userId });
        }
      }
    } catch (error) {
      // The state store is unreachable; the node's share is swept by the others once its heartbeat stops.
      this.deps.logger.warn({ err: String(error), channel }, 'pusher leave not recorded');
    }
  }

  clientEvent(
    connection: PusherConnection,
    channel: string,
    event: string,
    data: unknown,
    userId?: string,
  ): void {
    const frame = JSON.stringify(
      userId === undefined ? { event, channel, data } : { event, channel, data, user_id: userId },
    );
    this.broadcast(connection.app.id, channel, frame, connection.socketId);
    this.deps.webhooks.emit(connection.app, {
      name: 'client_event',
      channel,
      event,
      data: typeof data === 'string' ? data : JSON.stringify(data ?? null),
      socket_id: connection.socketId,
      ...(userId === undefined ? {} : { user_id: userId }),
    });
  }

  received(): void {
    this.deps.observer?.received?.();
  }

  signedIn(): void {
    // Sending to a user is an event on #server-to-user-{id}, which the signed-in socket subscribes to itself.
  }

  closed(connection: PusherConnection): void {
    if (!this.#connections.delete(connection)) return;
    this.deps.observer?.connectionClosed?.(connection.app.id);
    void this.deps.state.removeConnection(connection.app.id).catch(() => {});
  }

  /**
   * Whether an event on the channel could reach a socket: one of this node's listens, or another node may (the
   * bus carries it there). When neither, a trigger builds no frame at all.
   */
  reaches(appId: string, channel: string): boolean {
    return this.listens(appId, channel) || !this.deps.bus.alone();
  }

  /** Whether one of this node's sockets listens on the channel. */
  listens(appId: string, channel: string): boolean {
    return this.#subscribers.has(`${appId}\n${channel}`);
  }

  /**
   * An event for this node's sockets only: the domain bridge, which every node runs on the hub events it sees
   * (its own and those the hub's bus brings), so the frame never crosses the bus itself.
   */
  publishHere(appId: string, channel: string, event: string, data: string): void {
    this.#deliver(appId, channel, JSON.stringify({ event, channel, data }));
  }

  /** Server-side trigger (HTTP API): every channel, on every node. */
  publish(request: PublishRequest): void {
    for (const channel of request.channels) {
      if (!this.reaches(request.appId, channel)) continue;
      const frame = JSON.stringify({ event: request.event, channel, data: request.data });
      this.broadcast(request.appId, channel, frame, request.exceptSocketId);
    }
  }

  broadcast(appId: string, channel: string, frame: string, exceptSocketId?: string): void {
    this.#deliver(appId, channel, frame, exceptSocketId);
    this.deps.bus.publish({
      kind: 'event',
      appId,
      channel,
      frame,
      ...(exceptSocketId ? { exceptSocketId } : {}),
    });
  }

  terminateUser(appId: string, userId: string): void {
    this.#terminate(appId, userId);
    this.deps.bus.publish({ kind: 'terminate', appId, userId });
  }

  #deliver(appId: string, channel: string, frame: string, exceptSocketId?: string): void {
    const local = this.#subscribers.get(`${appId}\n${channel}`);
    if (!local) return;
    const shared = new OutFrame(frame);
    let delivered = 0;
    for (const connection of local) {
      if (connection.socketId === exceptSocketId) continue;
      connection.sendFrame(shared);
      delivered += 1;
    }
    this.deps.observer?.delivered?.(delivered);
  }

  /** A user's connections: those signed in as the user and those that are the user on a presence channel. */
  #terminate(appId: string, userId: string): void {
    for (const connection of this.#connections) {
      if (connection.app.id !== appId) continue;
      const isUser =
        connection.user?.id === userId ||
        [...connection.subscriptions.values()].some((subscription) => subscription.userId === userId);
      if (isUser) connection.close(pusherCodes.terminated);
    }
  }

  #fromBus(message: PusherBusMessage): void {
    switch (message.kind) {
      case 'event':
        this.#deliver(message.appId, message.channel, message.frame, message.exceptSocketId);
        return;
      case 'terminate':
        this.#terminate(message.appId, message.userId);
        return;
      default:
        message satisfies never;
    }
  }

  #orphans(orphans: Orphans): void {
    const app = this.deps.apps.byId(orphans.appId);
    if (!app) return;
    for (const { channel, userId } of orphans.removed) {
      this.broadcast(app.id, channel, JSON.stringify(serverMessages.memberRemoved(channel, userId)));
      this.deps.webhooks.emit(app, { name: 'member_removed', channel, user_id: userId });
    }
    for (const channel of orphans.vacated) this.deps.webhooks.emit(app, { name: 'channel_vacated', channel });
  }

  /** Asks every client to reconnect (4200: at once, to another node), then leaves the cluster state clean. */
  async close(): Promise<void> {
    this.#closing = true;
    const connections = [...this.#connections];
    for (const connection of connections) connection.close(pusherCodes.reconnect);
    await Promise.all(connections.map((connection) => connection.settled()));
  }
}
