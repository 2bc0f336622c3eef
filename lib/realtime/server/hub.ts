import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type ChannelGuard, canAccessChannel, channelRules } from '../../auth/channel-access';
import type { Logger } from '../../logger';
import { isUnavailable } from '../../server/faults';
import { readClientJson } from '../../wire/json';
import type { Backends, Position } from '../bus';
import {
  type ChannelKind,
  type ClientMessage,
  type CloseName,
  clientMessage,
  closeCodes,
  type ErrorCode,
  errorCodes,
  type Member,
  PROTOCOL_VERSION,
  parseChannel,
} from '../protocol';
import { Acknowledger } from './acks';
import { ChannelRouter } from './channel-router';
import { type Clock, type Scheduled, systemClock } from './clock';
import { Connection, type HubUser, type Subscription } from './connection';
import { splitN } from './envelope';
import { RealtimeError } from './errors';
import { type DeliveryFigures, deliveryFiguresSchema, HubMetrics } from './metrics';
import { applyConnectionFields, applyScopeFields } from './presence-fields';
import { type PresenceChange, PresenceTracker } from './presence-tracker';
import { asSignal, type SignalMessage, signalText } from './signals';
import { type HubSocket, OutFrame } from './socket';
import type { StoredUser } from './user-directory';

export type HubLimits = {
  maxFrameBytes: number;
  messagesPerSecond: number;
  burst: number;
  maxSubscriptions: number;
  maxConnectionsPerUser: number;
  heartbeatMs: number;
  slowConsumerBytes: number;
  presenceTtlMs: number;
  presenceIdleMs: number;
};

export type HubDeps = {
  nodeId: string;
  logger: Logger;
  backends: Backends;
  limits: HubLimits;
  /** Time and timers for every decision the hub makes (sweeps, expiry, rate limit, TTLs); the system clock by default. */
  clock?: Clock;
  /**
   * The user as stored now (role, active, session version); null when the user no longer exists. Cached per node
   * without a time limit: `forgetUser` (on every `refreshUser`, from any node over the bus) and `forgetAllUsers`
   * (the bus reconnected, so messages may have been missed) invalidate it.
   */
  loadUser(tenantId: string, userId: string): Promise<StoredUser | null>;
  /** The cached user without waiting: undefined when not cached (then `loadUser`). */
  peekUser(tenantId: string, userId: string): StoredUser | null | undefined;
  forgetUser(tenantId: string, userId: string): void;
  forgetAllUsers(): void;
  /** The user's last socket on this node closed (kept as "last seen"). */
  userLeft?(tenantId: string, userId: string): void;
};

/** Observes a user refresh (null: every user); a rejected promise means the user could not be read, so it is retried. */
export type UserRefreshHook = (user: { tenantId: string; userId: string } | null) => void | Promise<void>;

export type RpcContext = { user: HubUser; connectionId: string; hub: Hub };
type RpcEntry = { schema: z.ZodType; handler: (ctx: RpcContext, params: unknown) => unknown };

export type PublishInput = {
  tenantId: string;
  channel: string;
  event: string;
  data: unknown;
  actor?: { id: string; name: string };
};

export type ConnectionInfo = {
  connectionId: string;
  nodeId: string;
  userId: string;
  connectedAt: number;
  device?: string;
  /** Known for this node's connections only (another node's are listed with none). */
  channels: string[];
};

export type NodeStats = {
  nodeId: string;
  connections: number;
  subscriptions: number;
  channels: number;
  users: number;
  at: number;
  delivery: DeliveryFigures;
};

/** Another node's heartbeat, read back with its shape checked (a node of another version may send more). */
const nodeStatsSchema = z.object({
  nodeId: z.string(),
  connections: z.number(),
  subscriptions: z.number(),
  channels: z.number(),
  users: z.number(),
  at: z.number(),
  delivery: deliveryFiguresSchema,
}) satisfies z.ZodType<NodeStats>;

/** The parts of an invalid frame its refusal names (any object has them, perhaps undefined). */
const refusedFrame = z.object({ type: z.unknown(), id: z.unknown() });

/** The id a refused frame gave itself, if any (bounded), so the refusal answers the request that sent it. */
function refusedId(raw: unknown): string | undefined {
  const id = refusedFrame.safeParse(raw).data?.id;
  return typeof id === 'string' ? id.slice(0, 64) : undefined;
}

/** Users are counted per node (a user on two nodes counts twice). */
export type StatsTotals = {
  connections: number;
  subscriptions: number;
  channels: number;
  users: number;
  published: number;
  messagesOut: number;
  dropped: number;
};

let idPool = Buffer.alloc(0);
let idOffset = 0;

/** An unguessable connection id (9 random bytes, base64url), cut from a pool refilled 256 ids at a time. */
function connectionId(): string {
  if (idOffset + 9 > idPool.length) {
    idPool = randomBytes(9 * 256);
    idOffset = 0;
  }
  idOffset += 9;
  return idPool.toString('base64url', idOffset - 9, idOffset);
}

const STRIKE_LIMIT = 10;
const STRIKE_WINDOW_MS = 10_000;
const CURSOR_THROTTLE_MS = 100;

/**
 * The realtime core as pure logic: connections, channels, ordered delivery with recovery, presence, acks with
 * dedupe, limits. It sees sockets only through HubSocket and other nodes only through the bus and stores.
 */
export class Hub {
  readonly nodeId: string;
  /** The welcome's JSON around its connection and user, the same for every connection of this node. */
  private readonly welcome: { head: string; tail: string };
  readonly metrics: HubMetrics;
  private readonly conns = new Map<string, Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly tenantConns = new Map<string, number>();
  private readonly rpcs = new Map<string, RpcEntry>();
  private readonly guards = new Map<ChannelKind, ChannelGuard>();
  private readonly remoteStats = new Map<string, NodeStats>();
  private readonly presenceTracker: PresenceTracker;
  private readonly acks: Acknowledger;
  private readonly router: ChannelRouter;
  private readonly clock: Clock;
  private readonly timers: Scheduled[] = [];
  private readonly publishHooks = new Set<(input: PublishInput, position: Position) => void>();
  private readonly remoteEventHooks = new Set<(key: string, frame: string) => void>();
  private readonly topicHandlers = new Map<string, (payload: string, from: string) => void>();
  private readonly userRefreshHooks = new Set<UserRefreshHook>();
  /** Re-checks that could not read the user (database down), retried with back-off per user ('*': everyone). */
  private readonly recheckRetries = new Map<string, { attempt: number; timer: Scheduled }>();
  private closed = false;
  /** Moves on whenever a cached user is forgotten: a connection checked in this generation needs no new check. */
  private userGeneration = 0;

  constructor(private readonly deps: HubDeps) {
    this.nodeId = deps.nodeId;
    this.clock = deps.clock ?? systemClock;
    const { limits } = deps;
    this.welcome = {
      head: JSON.stringify({ type: 'welcome', v: PROTOCOL_VERSION, nodeId: this.nodeId }).slice(0, -1),
      tail: JSON.stringify({
        heartbeatMs: limits.heartbeatMs,
        limits: {
          maxFrameBytes: limits.maxFrameBytes,
          messagesPerSecond: limits.messagesPerSecond,
          maxSubscriptions: limits.maxSubscriptions,
        },
      }).slice(1),
    };
    this.metrics = new HubMetrics(deps.nodeId, {
      connections: () => this.conns.size,
      subscriptions: () => this.router.subscriptions,
    });
    const { bus, presence } = deps.backends;
    this.presenceTracker = new PresenceTracker({
      nodeId: deps.nodeId,
      bus,
      store: presence,
      logger: deps.logger,
      ttlMs: deps.limits.presenceTtlMs,
      cursorThrottleMs: CURSOR_THROTTLE_MS,
      clock: this.clock,
      emit: (key, change) => this.router.emitPresence(key, change),
    });
    this.router = new ChannelRouter({
      history: deps.backends.history,
      presence: this.presenceTracker,
      metrics: this.metrics,
      maxSubscriptions: deps.limits.maxSubscriptions,
      now: () => this.clock.now(),
      authorize: (user, channel, mode) => this.authorize(user, channel, mode),
      send: (conn, frame) => this.send(conn, frame),
      ackError: (conn, id, code) => this.ackError(conn, id, code),
      connectionChanged: (conn) => this.connectionChanged(conn),
    });
    this.acks = new Acknowledger({
      dedupe: deps.backends.dedupe,
      logger: deps.logger,
      clock: this.clock,
      healthy: () => bus.healthy(),
      send: (conn, frame) => this.send(conn, frame),
    });
    bus.onMessage((topic, payload, from) => this.onBus(topic, payload, from));
    bus.onReconnect(() => this.onBusReconnect());
    this.every(Math.max(50, Math.floor(deps.limits.heartbeatMs / 4)), () => this.sweepConnections());
    const ttl = deps.limits.presenceTtlMs;
    const beat = () => {
      presence.heartbeat(deps.nodeId).catch(() => {});
      bus.publish('h', JSON.stringify(this.localStats())).catch(() => {});
    };
    beat();
    this.every(Math.max(100, Math.floor(ttl / 3)), beat);
    const slack = Math.min(1000, Math.floor(ttl / 5));
    this.every(slack, () => this.presenceTracker.sweep(this.clock.now(), slack));
  }

  private every(ms: number, fn: () => void): void {
    this.timers.push(this.clock.setInterval(fn, ms));
  }

  // ---- API for features -------------------------------------------------------------------------------------

  registerRpc<S extends z.ZodType>(
    method: string,
    schema: S,
    handler: (ctx: RpcContext, params: z.infer<S>) => unknown,
  ): void {
    if (this.rpcs.has(method)) throw new Error(`rpc ${method} is already registered`);
    this.rpcs.set(method, { schema, handler: handler as RpcEntry['handler'] });
  }

  /** Every registered RPC method with its parameter schema (the tenant sweep enumerates them). */
  rpcMethods(): { method: string; schema: z.ZodType }[] {
    return [...this.rpcs].map(([method, entry]) => ({ method, schema: entry.schema }));
  }

  setChannelGuard(kind: ChannelKind, guard: ChannelGuard): void {
    this.guards.set(kind, guard);
  }

  onPresence(hook: (change: PresenceChange) => void): () => void {
    return this.presenceTracker.onChange(hook);
  }

  /** Observes every event published on this node (the Pusher bridge mirrors domain events to Pusher channels). */
  onPublish(hook: (input: PublishInput, position: Position) => void): () => void {
    this.publishHooks.add(hook);
    return () => this.publishHooks.delete(hook);
  }

  /**
   * Observes every event another node published, as its frame arrives on the bus (`key` is `tenant:channel`).
   * The Pusher bridge mirrors it to this node's own Pusher listeners, so a bridged event crosses the bus once,
   * as the hub's event, and not a second time as a Pusher frame.
   */
  onRemoteEvent(hook: (key: string, frame: string) => void): () => void {
    this.remoteEventHooks.add(hook);
    return () => this.remoteEventHooks.delete(hook);
  }

  /** Calls each observer; one that throws is logged and does not stop the others or the caller. */
  private notify<Hook>(hooks: Iterable<Hook>, failure: string, call: (hook: Hook) => void): void {
    for (const hook of hooks) {
      try {
        call(hook);
      } catch (error) {
        this.deps.logger.warn({ err: (error as Error).message }, failure);
      }
    }
  }

  /**
   * Observes every user refresh on this node, after its cached copy was forgotten (from `refreshUser`, another
   * node's, or a database notification); null: every user (the bus reconnected). The Pusher side re-checks the
   * channels it signed for the user.
   */
  onUserRefresh(hook: UserRefreshHook): () => void {
    this.userRefreshHooks.add(hook);
    return () => this.userRefreshHooks.delete(hook);
  }

  /** The user as stored now (this node's cache, else the database); null when the user no longer exists. */
  storedUser(tenantId: string, userId: string): Promise<StoredUser | null> {
    return this.deps.loadUser(tenantId, userId);
  }

  /** Lets an extension (the Pusher protocol) share the hub's bus under its own topic; never one of the hub's. */
  onBusTopic(topic: string, handler: (payload: string, from: string) => void): void {
    this.topicHandlers.set(topic, handler);
  }

  publishBusTopic(topic: string, payload: string): Promise<void> {
    return this.deps.backends.bus.publish(topic, payload);
  }

  /** No other node is on the bus now (an in-process bus with this node alone; never with Redis). */
  busAlone(): boolean {
    return this.deps.backends.bus.alone();
  }

  /** Assigns the next seq of the channel, stores the event in its history and delivers it on every node. */
  async publish(input: PublishInput): Promise<Position> {
    if (!parseChannel(input.channel)) throw new RealtimeError('UNKNOWN_CHANNEL');
    const key = `${input.tenantId}:${input.channel}`;
    const ts = this.clock.now();
    const head = `{"type":"event","channel":${JSON.stringify(input.channel)},"epoch":"`;
    const actor = input.actor
      ? `,"actor":${JSON.stringify({ id: input.actor.id, name: input.actor.name })}`
      : '';
    const tail = `,"event":${JSON.stringify(input.event)},"data":${JSON.stringify(input.data ?? null)}${actor},"ts":${ts}}`;
    const { epoch, seq, frame } = await this.deps.backends.history.append(key, { head, tail }, ts);
    this.metrics.published();
    const { bus } = this.deps.backends;
    if (!bus.alone())
      bus.publish('e', `${key}\n${epoch}\n${seq}\n${ts}\n${frame}`).catch((error: Error) => {
        // Other nodes fill the gap from the history when the next event or the bus reconnect shows it.
        this.deps.logger.warn({ err: error.message, channel: key }, 'bus publish failed');
      });
    this.router.offer(key, { epoch, seq, ts, frame });
    this.notify(this.publishHooks, 'publish hook failed', (hook) => hook(input, { epoch, seq }));
    return { epoch, seq };
  }

  async presence(tenantId: string, channel?: string): Promise<Member[]> {
    return this.presenceTracker.query(`${tenantId}:${channel ?? 'presence'}`);
  }

  /** A user's connections on every live node (this node's from memory, the others' from the registry). */
  async connections(tenantId: string, userId: string): Promise<ConnectionInfo[]> {
    const local: ConnectionInfo[] = [...(this.byUser.get(`${tenantId}:${userId}`) ?? [])].map((conn) => ({
      connectionId: conn.id,
      nodeId: this.nodeId,
      userId: conn.user.id,
      connectedAt: conn.connectedAt,
      ...(conn.presence.device !== undefined ? { device: conn.presence.device } : {}),
      channels: [...conn.subs.keys()],
    }));
    const remote = await this.deps.backends.connections
      .list(`${tenantId}:${userId}`)
      .catch((error: Error) => {
        this.deps.logger.warn({ err: error.message }, 'connection registry read failed');
        return [];
      });
    const others = remote
      .filter((entry) => entry.nodeId !== this.nodeId)
      .map((entry) => ({ ...entry, channels: [] }));
    return [...local, ...others];
  }

  /** Closes a connection on whichever node holds it. */
  disconnect(connectionId: string, closeName: CloseName = 'kicked'): void {
    const conn = this.conns.get(connectionId);
    if (conn) this.close(conn, closeName);
    else this.deps.backends.bus.publish('k', `${connectionId}\n${closeName}`).catch(() => {});
  }

  /** Subscribes a connection of this node server-side (as if it had sent `subscribe`, without an id). */
  async subscribeConnection(connectionId: string, channel: string): Promise<boolean> {
    const conn = this.conns.get(connectionId);
    if (!conn) return false;
    await this.router.subscribe(conn, { type: 'subscribe', id: '', channel });
    return conn.subs.has(channel);
  }

  unsubscribeConnection(connectionId: string, channel: string, reason?: ErrorCode): boolean {
    const conn = this.conns.get(connectionId);
    const sub = conn?.subs.get(channel);
    if (!conn || !sub) return false;
    this.router.detach(sub);
    this.send(conn, new OutFrame(JSON.stringify({ type: 'unsubscribed', channel, reason })));
    return true;
  }

  /**
   * After a role, status or session change has been committed: every node forgets its cached copy of the user and
   * re-checks the user's open sockets at once. Subscriptions the new role no longer allows end with `unsubscribed`
   * (`ROLE_CHANGED`); a deactivated user's sockets close with `deactivated`, a revoked session's with
   * `sessionRevoked`, a deleted user's with `sessionExpired`. Later RPCs, publishes and subscribes are checked
   * against the new role.
   */
  async refreshUser(tenantId: string, userId: string): Promise<void> {
    const sent = this.deps.backends.bus.publish('r', `${tenantId}\n${userId}`).catch((error: Error) => {
      this.deps.logger.warn({ err: error.message, userId }, 'user refresh not sent to other nodes');
    });
    await Promise.all([sent, this.refreshUserLocally(tenantId, userId)]);
  }

  /**
   * This node only: forgets its cached copy of the user and re-checks the user's sockets (native and Pusher).
   * Each node calls it itself on a database notification of a changed user row (a change made in SQL).
   */
  async refreshUserLocally(tenantId: string, userId: string): Promise<void> {
    this.deps.forgetUser(tenantId, userId);
    this.userGeneration++;
    await this.recheckUntilDone(`${tenantId}\n${userId}`, () =>
      Promise.all([this.userRefreshed({ tenantId, userId }), this.refreshLocalUser(tenantId, userId)]),
    );
  }

  /** This node only: forgets every cached user and re-checks every socket (notifications may have been missed). */
  refreshAllUsersLocally(): void {
    this.deps.forgetAllUsers();
    this.userGeneration++;
    this.recheckUntilDone('*', () => {
      const users = new Set<string>();
      for (const conn of this.conns.values()) users.add(`${conn.user.tenantId}\n${conn.user.id}`);
      return Promise.all([
        this.userRefreshed(null),
        ...[...users].map((entry) => {
          const [tenantId = '', userId = ''] = entry.split('\n');
          return this.refreshLocalUser(tenantId, userId);
        }),
      ]);
    }).catch((error: Error) => {
      this.deps.logger.warn({ err: error.message }, 'user re-check of every socket failed; retrying');
    });
  }

  /**
   * Runs a re-check of sockets against the stored user; when it could not read the user (the database down or
   * unreachable from this node), runs it again with back-off (0.25 s doubling to 5 s) until it succeeds, so a role
   * lowered, a user deactivated or a session revoked during an outage takes effect on every socket as soon as the
   * database answers. A newer refresh of the same user replaces a retry that is waiting. The failure is passed on
   * to the caller, who logs it.
   */
  private async recheckUntilDone(key: string, run: () => Promise<unknown>): Promise<void> {
    const waiting = this.recheckRetries.get(key);
    waiting?.timer.cancel();
    this.recheckRetries.delete(key);
    try {
      await run();
    } catch (error) {
      if (this.closed) throw error;
      const attempt = (waiting?.attempt ?? 0) + 1;
      const timer = this.clock.setTimeout(
        () => {
          if (this.recheckRetries.get(key)?.timer !== timer || this.closed) return;
          const [tenantId, userId] = key.split('\n');
          if (!tenantId || !userId) return this.refreshAllUsersLocally();
          this.refreshUserLocally(tenantId, userId).catch((retryError: Error) => {
            this.deps.logger.warn(
              { err: retryError.message, userId, attempt },
              'user re-check failed; retrying',
            );
          });
        },
        Math.min(5000, 250 * 2 ** (attempt - 1)),
      );
      this.recheckRetries.set(key, { attempt, timer });
      throw error;
    }
  }

  /** Runs the refresh hooks (the Pusher side's re-check); rejects when any of them could not read the user. */
  private async userRefreshed(user: { tenantId: string; userId: string } | null): Promise<void> {
    const results = await Promise.allSettled([...this.userRefreshHooks].map(async (hook) => hook(user)));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed?.status === 'rejected')
      throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }

  localStats(): NodeStats {
    const users = new Set<string>();
    for (const conn of this.conns.values()) users.add(conn.user.id);
    return {
      nodeId: this.nodeId,
      connections: this.conns.size,
      subscriptions: this.router.subscriptions,
      channels: this.router.size,
      users: users.size,
      at: this.clock.now(),
      delivery: this.metrics.figures(),
    };
  }

  /** The other nodes alive now: heard from within the presence TTL, and not said goodbye. */
  remoteNodes(): string[] {
    return this.presenceTracker.remoteNodes();
  }

  /** Totals and per node (other nodes as of their last heartbeat). */
  stats(): { totals: StatsTotals; nodes: NodeStats[] } {
    const live = new Set(this.presenceTracker.remoteNodes());
    const nodes = [this.localStats(), ...[...this.remoteStats.values()].filter((s) => live.has(s.nodeId))];
    const totals: StatsTotals = {
      connections: 0,
      subscriptions: 0,
      channels: 0,
      users: 0,
      published: 0,
      messagesOut: 0,
      dropped: 0,
    };
    for (const node of nodes) {
      totals.connections += node.connections;
      totals.subscriptions += node.subscriptions;
      totals.channels += node.channels;
      totals.users += node.users;
      totals.published += node.delivery.published;
      totals.messagesOut += node.delivery.messagesOut;
      totals.dropped += Object.values(node.delivery.dropped).reduce((a, b) => a + b, 0);
    }
    return { totals, nodes };
  }

  // ---- connection lifecycle (called by the gateway) ---------------------------------------------------------

  /** Whether the user may open one more connection on this node. */
  canConnect(user: HubUser): boolean {
    return (
      (this.byUser.get(`${user.tenantId}:${user.id}`)?.size ?? 0) < this.deps.limits.maxConnectionsPerUser
    );
  }

  /** `sessionVersion`: the version the session token was issued with (checked against the stored user). */
  connect(user: HubUser, socket: HubSocket, expiresAt: number, sessionVersion = 1): Connection | null {
    if (this.closed) {
      socket.close(closeCodes.goingAway.code, closeCodes.goingAway.reason);
      return null;
    }
    if (!this.canConnect(user)) {
      socket.close(closeCodes.tooManyConnections.code, closeCodes.tooManyConnections.reason);
      return null;
    }
    const now = this.clock.now();
    const { limits } = this.deps;
    const conn = new Connection(connectionId(), { ...user }, socket, expiresAt, limits, now);
    conn.sessionVersion = sessionVersion;
    this.conns.set(conn.id, conn);
    const userKey = `${user.tenantId}:${user.id}`;
    let set = this.byUser.get(userKey);
    if (!set) {
      set = new Set();
      this.byUser.set(userKey, set);
    }
    set.add(conn);
    this.register(conn);
    const tenantKey = `${user.tenantId}:presence`;
    const count = (this.tenantConns.get(user.tenantId) ?? 0) + 1;
    this.tenantConns.set(user.tenantId, count);
    if (count === 1) void this.presenceTracker.listen(tenantKey, user.tenantId, undefined);
    this.presenceTracker.join(tenantKey, user.tenantId, undefined, conn.tenantHolder);
    const welcomeUser = JSON.stringify({
      id: user.id,
      name: user.name,
      role: user.role,
      tenantId: user.tenantId,
    });
    this.send(
      conn,
      new OutFrame(
        `${this.welcome.head},"connectionId":${JSON.stringify(conn.id)},"user":${welcomeUser},${this.welcome.tail}`,
      ),
    );
    // A change committed between the upgrade's user read and now reached no socket of this user yet: check once
    // more (a cache hit unless the user was forgotten meanwhile).
    const check = this.current(conn);
    if (check instanceof Promise)
      check.catch((error: Error) => {
        this.deps.logger.warn({ err: error.message }, 'user check after connect failed');
      });
    return conn;
  }

  /** The socket is gone (closed by the peer, by us, or dead). Idempotent. */
  disconnected(conn: Connection): void {
    if (!this.conns.delete(conn.id)) return;
    conn.phase = 'closed';
    for (const sub of [...conn.subs.values()]) this.router.detach(sub);
    const { tenantId, id } = conn.user;
    const tenantKey = `${tenantId}:presence`;
    this.presenceTracker.leave(tenantKey, conn.tenantHolder);
    const count = (this.tenantConns.get(tenantId) ?? 1) - 1;
    if (count <= 0) {
      this.tenantConns.delete(tenantId);
      this.presenceTracker.unlisten(tenantKey);
    } else this.tenantConns.set(tenantId, count);
    this.deps.backends.connections.remove(`${tenantId}:${id}`, conn.id)?.catch((error: Error) => {
      this.deps.logger.warn({ err: error.message }, 'connection registry remove failed');
    });
    const set = this.byUser.get(`${tenantId}:${id}`);
    set?.delete(conn);
    if (set?.size === 0) {
      this.byUser.delete(`${tenantId}:${id}`);
      this.deps.userLeft?.(tenantId, id);
    }
  }

  close(conn: Connection, name: CloseName): void {
    if (conn.phase === 'closed') return;
    const entry = closeCodes[name];
    conn.socket.close(entry.code, entry.reason);
    this.disconnected(conn);
  }

  /** A ws-level pong or any other sign of life. */
  alive(conn: Connection): void {
    conn.lastSeen = this.clock.now();
  }

  receive(conn: Connection, text: string): void {
    if (conn.phase !== 'open') return;
    const now = this.clock.now();
    conn.lastSeen = now;
    this.metrics.messageIn();
    // The gateway's `ws` enforces the same limit before a frame gets here (1009); any other transport gets it here.
    if (
      text.length * 3 > this.deps.limits.maxFrameBytes &&
      Buffer.byteLength(text) > this.deps.limits.maxFrameBytes
    ) {
      this.metrics.dropped('invalid');
      this.close(conn, 'frameTooLarge');
      return;
    }
    const read = readClientJson(text);
    if (!read.ok) {
      // Valid JSON that is not well-formed Unicode is refused naming its request, so the caller's rpc is answered.
      this.invalid(conn, 'BAD_FRAME', read.reason === 'unicode' ? refusedId(read.value) : undefined, now);
      return;
    }
    const raw = read.value;
    const signal = asSignal(raw);
    const parsed = signal ? { success: true as const, data: signal } : clientMessage.safeParse(raw);
    if (!parsed.success) {
      // What the refusal can say of a frame that is not a valid message: its type was known, and its id.
      const shape = refusedFrame.safeParse(raw).data;
      const known =
        shape !== undefined &&
        [
          'ping',
          'pong',
          'subscribe',
          'unsubscribe',
          'recover',
          'publish',
          'signal',
          'presence',
          'rpc',
        ].includes(String(shape.type));
      this.invalid(conn, known ? 'BAD_FRAME' : 'UNKNOWN_TYPE', refusedId(raw), now);
      return;
    }
    const message = parsed.data;
    if (message.type === 'pong') return;
    if (!conn.bucket.take(now)) {
      conn.refused++;
      this.metrics.dropped('rate_limited');
      if (conn.refused > this.deps.limits.burst) this.close(conn, 'floods');
      else this.sendError(conn, 'RATE_LIMITED', 'id' in message ? message.id : undefined);
      return;
    }
    conn.refused = 0;
    if (message.type !== 'ping') this.activity(conn, now);
    // The ephemeral path stays synchronous (no promise per message) unless the user or a guard must be read.
    if (message.type === 'signal') {
      this.signal(conn, message, now);
      return;
    }
    this.dispatch(conn, message).catch((error: Error) => {
      // A backend that cannot be reached is the catalog's UNAVAILABLE (retried), not a bug.
      const code = isUnavailable(error) ? 'UNAVAILABLE' : 'INTERNAL';
      if (code === 'INTERNAL')
        this.deps.logger.error(
          { err: error.message, stack: error.stack, type: message.type },
          'message failed',
        );
      else this.deps.logger.warn({ err: error.message, type: message.type }, 'backend unavailable');
      if ('id' in message && message.id) this.ackError(conn, message.id, code);
    });
  }

  private async dispatch(conn: Connection, message: ClientMessage): Promise<void> {
    switch (message.type) {
      case 'ping':
        this.send(conn, new OutFrame(`{"type":"pong","t":${message.t},"serverTime":${this.clock.now()}}`));
        return;
      case 'pong':
        return;
      case 'subscribe': {
        // Awaited only when the user is not cached: a cached check costs no turn, so one socket's messages keep
        // their order.
        const pending = this.current(conn);
        if (!(pending instanceof Promise ? await pending : pending)) return;
        return this.router.subscribe(conn, message);
      }
      case 'recover': {
        const pending = this.current(conn);
        if (!(pending instanceof Promise ? await pending : pending)) return;
        return this.router.subscribe(conn, {
          type: 'subscribe',
          id: message.id,
          channel: message.channel,
          since: message.since,
        });
      }
      case 'unsubscribe': {
        const sub = conn.subs.get(message.channel);
        if (sub) this.router.detach(sub);
        this.ack(conn, message.id, { channel: message.channel });
        return;
      }
      case 'publish':
        return this.clientPublish(conn, message);
      case 'signal':
        return this.signal(conn, message, this.clock.now());
      case 'presence':
        return this.presenceUpdate(conn, message);
      case 'rpc':
        return this.rpc(conn, message);
      default: {
        const never: never = message;
        throw new Error(`unhandled message ${JSON.stringify(never)}`);
      }
    }
  }

  // ---- channels -----------------------------------------------------------------------------------------------

  private async authorize(user: HubUser, channel: string, mode: 'read' | 'write'): Promise<ErrorCode | null> {
    const ref = parseChannel(channel);
    if (!ref) return 'UNKNOWN_CHANNEL';
    return (await canAccessChannel(user, ref, mode, this.guards)) ? null : 'FORBIDDEN';
  }

  private async clientPublish(
    conn: Connection,
    message: Extract<ClientMessage, { type: 'publish' }>,
  ): Promise<void> {
    const pending = this.current(conn);
    const user = pending instanceof Promise ? await pending : pending;
    if (!user) return;
    const denied = await this.authorize(user, message.channel, 'write');
    if (denied) return this.ackError(conn, message.id, denied);
    await this.once(conn, message.id, () =>
      this.publish({
        tenantId: user.tenantId,
        channel: message.channel,
        event: message.event,
        data: message.data,
        actor: { id: user.id, name: user.name },
      }),
    );
  }

  /**
   * An ephemeral signal (carets, typing): checked like a publish (valid frame, rate limit, the stored user, write
   * access to the channel, the sender's own tenant) but neither sequenced, stored nor deduplicated; handed to the
   * channel's other live subscribers here and on every other node. The sender must be subscribed to the channel.
   */
  private signal(conn: Connection, message: SignalMessage, now: number): void {
    const pending = this.current(conn);
    if (pending instanceof Promise) {
      pending
        .then((user) => {
          if (user) this.signalAs(conn, user, message, now);
        })
        .catch((error: Error) => this.failed(conn, message, error));
      return;
    }
    if (pending) this.signalAs(conn, pending, message, now);
  }

  private signalAs(conn: Connection, user: HubUser, message: SignalMessage, now: number): void {
    const sub = conn.subs.get(message.channel);
    // The subscription's channel keeps its parsed name (a subscribed name always parses).
    if (sub && sub.channel.ref === undefined) sub.channel.ref = parseChannel(message.channel);
    const ref = sub?.channel.ref;
    if (!sub || !ref) {
      const code = parseChannel(message.channel) ? 'NOT_SUBSCRIBED' : 'UNKNOWN_CHANNEL';
      if (message.id) this.ackError(conn, message.id, code);
      else this.sendError(conn, code);
      return;
    }
    const verdict = channelRules[ref.kind](user, ref, 'write');
    if (verdict === true) {
      this.sendSignal(conn, sub, message, now);
      return;
    }
    if (verdict === false) {
      this.refuseSignal(conn, message);
      return;
    }
    // A kind whose access needs data (a conversation's participants): the guard decides, as for a publish.
    canAccessChannel(user, ref, 'write', this.guards)
      .then((allowed) => {
        if (!allowed) this.refuseSignal(conn, message);
        else if (conn.subs.get(message.channel) === sub) this.sendSignal(conn, sub, message, now);
      })
      .catch((error: Error) => this.failed(conn, message, error));
  }

  private sendSignal(conn: Connection, sub: Subscription, message: SignalMessage, now: number): void {
    if (conn.phase !== 'open') return;
    const text = signalText(conn, message, now);
    this.router.signal(sub.channel, new OutFrame(text), conn);
    const { bus } = this.deps.backends;
    if (!bus.alone())
      bus.publish('s', `${sub.channel.key}\n${text}`).catch((error: Error) => {
        this.deps.logger.warn({ err: error.message, channel: sub.channel.key }, 'bus publish failed');
      });
    if (message.id) this.ack(conn, message.id);
  }

  private refuseSignal(conn: Connection, message: SignalMessage): void {
    if (message.id) this.ackError(conn, message.id, 'FORBIDDEN');
    else this.sendError(conn, 'FORBIDDEN');
  }

  private failed(conn: Connection, message: SignalMessage, error: Error): void {
    const code = isUnavailable(error) ? 'UNAVAILABLE' : 'INTERNAL';
    if (code === 'INTERNAL')
      this.deps.logger.error({ err: error.message, type: message.type }, 'message failed');
    if (message.id) this.ackError(conn, message.id, code);
  }

  // ---- presence -----------------------------------------------------------------------------------------------

  private presenceUpdate(conn: Connection, message: Extract<ClientMessage, { type: 'presence' }>): void {
    const { patch, channel } = message;
    const target = channel && channel !== 'presence' ? conn.subs.get(channel) : undefined;
    if (channel && channel !== 'presence' && !target) {
      if (message.id) this.ackError(conn, message.id, 'NOT_SUBSCRIBED');
      return;
    }
    const connectionLevel = applyConnectionFields(conn, patch);
    const fields = target ? target.fields : conn.tenantFields;
    const scopeLevel = applyScopeFields(fields, patch, this.clock.now());
    if (connectionLevel) this.connectionChanged(conn);
    else if (scopeLevel) {
      const cursorOnly = Object.keys(patch).every((k) => k === 'cursor');
      const key = `${conn.user.tenantId}:${target ? target.channel.name : 'presence'}`;
      this.presenceTracker.changed(key, conn.user.id, cursorOnly);
    }
    if (message.id) this.ack(conn, message.id);
  }

  /** Writes the connection's registry entry (on connect, and again when its device changes). */
  private register(conn: Connection): void {
    conn.registeredDevice = conn.presence.device;
    const { tenantId, id } = conn.user;
    this.deps.backends.connections
      .add(`${tenantId}:${id}`, {
        connectionId: conn.id,
        nodeId: this.nodeId,
        userId: id,
        connectedAt: conn.connectedAt,
        ...(conn.presence.device !== undefined ? { device: conn.presence.device } : {}),
      })
      ?.catch((error: Error) => {
        this.deps.logger.warn({ err: error.message }, 'connection registry write failed');
      });
  }

  private connectionChanged(conn: Connection): void {
    if (conn.phase !== 'closed' && conn.presence.device !== conn.registeredDevice) this.register(conn);
    const { tenantId, id } = conn.user;
    this.presenceTracker.changed(`${tenantId}:presence`, id, false);
    for (const sub of conn.subs.values())
      if (sub.channel.name !== 'presence') this.presenceTracker.changed(sub.channel.key, id, false);
  }

  private activity(conn: Connection, now: number): void {
    conn.lastActivity = now;
    if (conn.presence.idle) {
      conn.presence.idle = false;
      this.connectionChanged(conn);
    }
  }

  // ---- rpc and acks -------------------------------------------------------------------------------------------

  private async rpc(conn: Connection, message: Extract<ClientMessage, { type: 'rpc' }>): Promise<void> {
    const entry = this.rpcs.get(message.method);
    if (!entry) return this.ackError(conn, message.id, 'UNKNOWN_METHOD');
    // The role as stored now, not as it was when the socket opened: a write of a user lowered to viewer a moment
    // ago is refused by the handler's own role check.
    const pending = this.current(conn);
    const user = pending instanceof Promise ? await pending : pending;
    if (!user) return;
    await this.once(conn, message.id, async () => {
      const params = entry.schema.safeParse(message.params);
      if (!params.success)
        throw new RealtimeError('VALIDATION', errorCodes.VALIDATION.reason, params.error.issues);
      return entry.handler({ user: { ...user }, connectionId: conn.id, hub: this }, params.data);
    });
  }

  private once(conn: Connection, id: string, run: () => Promise<unknown>): Promise<void> {
    return this.acks.once(conn, id, run);
  }

  private ack(conn: Connection, id: string, result?: unknown): void {
    this.acks.ack(conn, id, result);
  }

  private ackError(conn: Connection, id: string, code: ErrorCode, details?: unknown): void {
    this.acks.ackError(conn, id, code, details);
  }

  private sendError(conn: Connection, code: ErrorCode, id?: string): void {
    const error = { code, message: errorCodes[code].reason };
    this.send(conn, new OutFrame(JSON.stringify({ type: 'error', error, ...(id ? { id } : {}) })));
  }

  private invalid(conn: Connection, code: ErrorCode, id: string | undefined, now: number): void {
    this.metrics.dropped('invalid');
    if (conn.strike(now, STRIKE_LIMIT, STRIKE_WINDOW_MS)) this.close(conn, 'policyViolation');
    else this.sendError(conn, code, id);
  }

  /** Sends unless the peer stopped reading: past the bound it is closed as a slow consumer. */
  private send(conn: Connection, frame: OutFrame): boolean {
    if (conn.phase !== 'open') {
      this.metrics.dropped('closed');
      return false;
    }
    if (conn.socket.bufferedAmount > this.deps.limits.slowConsumerBytes) {
      this.metrics.dropped('slow_consumer');
      this.close(conn, 'slowConsumer');
      return false;
    }
    conn.socket.send(frame);
    return true;
  }

  // ---- timers, bus, users -------------------------------------------------------------------------------------

  private sweepConnections(): void {
    const now = this.clock.now();
    const { heartbeatMs, presenceIdleMs } = this.deps.limits;
    for (const conn of [...this.conns.values()]) {
      if (now - conn.lastSeen > heartbeatMs * 1.5) {
        this.close(conn, 'heartbeatTimeout');
        continue;
      }
      if (now >= conn.expiresAt) {
        this.close(conn, 'sessionExpired');
        continue;
      }
      if (now - conn.lastPing >= heartbeatMs) {
        conn.lastPing = now;
        this.send(conn, new OutFrame(`{"type":"ping","t":${now}}`));
      }
      if (!conn.presence.idle && now - conn.lastActivity > presenceIdleMs) {
        conn.presence.idle = true;
        this.connectionChanged(conn);
      }
    }
  }

  private onBus(topic: string, payload: string, from: string): void {
    this.presenceTracker.nodeSeen(from);
    switch (topic) {
      case 'e': {
        const parts = splitN(payload, 4);
        if (!parts) return;
        const [key = '', epoch = '', seq, ts, frame = ''] = parts;
        this.router.offer(key, { epoch, seq: Number(seq), ts: Number(ts), frame });
        this.notify(this.remoteEventHooks, 'remote event hook failed', (hook) => hook(key, frame));
        return;
      }
      case 's': {
        const split = payload.indexOf('\n');
        if (split > 0) this.router.signalRemote(payload.slice(0, split), payload.slice(split + 1));
        return;
      }
      case 'p':
        this.presenceTracker.receive(payload, from);
        return;
      case 'h':
        {
          const stats = nodeStatsSchema.safeParse(JSON.parse(payload)).data;
          if (stats) this.remoteStats.set(from, stats);
        }
        return;
      case 'bye':
        this.remoteStats.delete(from);
        this.presenceTracker.dropNode(from);
        return;
      case 'r': {
        const [tenantId, userId] = payload.split('\n');
        if (!tenantId || !userId) return;
        this.refreshUserLocally(tenantId, userId).catch((error: Error) => {
          this.deps.logger.warn({ err: error.message, userId }, 'user refresh failed');
        });
        return;
      }
      case 'k': {
        const [connectionId, closeName] = payload.split('\n');
        const conn = connectionId ? this.conns.get(connectionId) : undefined;
        if (conn && closeName && closeName in closeCodes) this.close(conn, closeName as CloseName);
        return;
      }
      default: {
        const handler = this.topicHandlers.get(topic);
        if (handler) handler(payload, from);
        else this.deps.logger.debug({ topic }, 'unknown bus topic');
      }
    }
  }

  private onBusReconnect(): void {
    this.deps.logger.info({ channels: this.router.size }, 'bus reconnected; catching up');
    this.deps.backends.presence.heartbeat(this.nodeId).catch(() => {});
    this.presenceTracker.republish();
    // User refreshes sent while the bus was away were missed: forget every cached user and re-check the sockets.
    this.refreshAllUsersLocally();
    // The registry may have lost this node's entries with the backend (a Redis restart): write them again.
    for (const conn of this.conns.values()) this.register(conn);
    for (const channel of this.router.all())
      channel.catchUp().catch((error: Error) => {
        this.deps.logger.warn({ err: error.message, channel: channel.key }, 'catch-up failed');
      });
  }

  private async refreshLocalUser(tenantId: string, userId: string): Promise<void> {
    const conns = this.byUser.get(`${tenantId}:${userId}`);
    if (!conns || conns.size === 0) return;
    const stored = await this.deps.loadUser(tenantId, userId);
    for (const conn of [...conns]) this.apply(conn, stored);
  }

  /**
   * The connection's user as stored now, applied to it; null when the connection was closed for it. Without
   * waiting when the user is cached (the usual case), so messages of one socket keep their order.
   */
  private current(conn: Connection): HubUser | null | Promise<HubUser | null> {
    if (conn.phase !== 'open') return null;
    // No user was forgotten since this connection's last check: the stored user it was checked against still holds.
    const generation = this.userGeneration;
    if (conn.checkedGeneration === generation) return conn.user;
    const { tenantId, id } = conn.user;
    const checked = (user: HubUser | null) => {
      if (user) conn.checkedGeneration = generation;
      return user;
    };
    const cached = this.deps.peekUser(tenantId, id);
    if (cached !== undefined) return checked(this.apply(conn, cached));
    return this.deps.loadUser(tenantId, id).then((stored) => checked(this.apply(conn, stored)));
  }

  /**
   * Brings a connection in line with the stored user: closes it when the user is gone, deactivated or the session
   * revoked; on a role or name change, takes the new user at once and ends the subscriptions the role no longer
   * allows (`unsubscribed` with `ROLE_CHANGED`).
   */
  private apply(conn: Connection, stored: StoredUser | null): HubUser | null {
    if (conn.phase !== 'open') return null;
    const verdict: CloseName | null = !stored
      ? 'sessionExpired'
      : !stored.active
        ? 'deactivated'
        : stored.sessionVersion !== conn.sessionVersion
          ? 'sessionRevoked'
          : null;
    if (verdict || !stored) {
      this.close(conn, verdict ?? 'sessionExpired');
      return null;
    }
    const { user } = conn;
    if (user.role === stored.role && user.name === stored.name) return user;
    const next: HubUser = { id: stored.id, tenantId: stored.tenantId, role: stored.role, name: stored.name };
    conn.user = next;
    if (user.role !== stored.role)
      this.recheckSubscriptions(conn, next).catch((error: Error) => {
        this.deps.logger.warn({ err: error.message }, 'subscription re-check failed');
      });
    this.connectionChanged(conn);
    return next;
  }

  private async recheckSubscriptions(conn: Connection, user: HubUser): Promise<void> {
    for (const [name, sub] of [...conn.subs]) {
      if ((await this.authorize(user, name, 'read')) === null) continue;
      if (conn.subs.get(name) !== sub || conn.phase !== 'open' || conn.user !== user) continue;
      this.router.detach(sub);
      this.send(
        conn,
        new OutFrame(JSON.stringify({ type: 'unsubscribed', channel: name, reason: 'ROLE_CHANGED' })),
      );
    }
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) timer.cancel();
    for (const retry of this.recheckRetries.values()) retry.timer.cancel();
    for (const conn of [...this.conns.values()]) this.close(conn, 'goingAway');
    await this.presenceTracker.clear();
    const { bus, presence } = this.deps.backends;
    await presence.dropNode(this.nodeId).catch(() => {});
    await bus.publish('bye', '').catch(() => {});
  }
}
