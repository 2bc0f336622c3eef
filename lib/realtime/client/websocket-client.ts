import { parseChannel } from '../protocol/channels';
import {
  type ClientMessage,
  type EventMessage,
  type Member,
  type PresencePatch,
  type ServerMessage,
  serverMessage,
} from '../protocol/messages';
import { backoffDelay } from './backoff';
import { type ChannelListener, ChannelRecord, type ChannelSnapshot } from './channels';
import { Emitter } from './emitter';
import {
  browserNetworkMonitor,
  defaultSocketFactory,
  defaultTimers,
  frameText,
  SOCKET_OPEN,
  type SocketLike,
} from './environment';
import { RealtimeError, type RealtimeErrorCode } from './errors';
import { type ClientOptions, defaultClientOptions } from './options';
import { type IdentifiedMessage, Outbox } from './outbox';
import { classifyEvent, type Position, resolveSubscribed } from './position';
import { applyPresence, presenceSnapshot } from './presence-merge';
import { type ConnectionState, type StateInput, transition } from './state';
import { resolveSocketUrl } from './url';

export type WelcomeMessage = Extract<ServerMessage, { type: 'welcome' }>;
type SubscribedMessage = Extract<ServerMessage, { type: 'subscribed' }>;

export type ClientEvents = {
  state: ConnectionState;
  welcome: WelcomeMessage;
  latency: number;
  queue: { queued: number; dropped: number };
  dropped: { message: IdentifiedMessage; total: number };
  event: EventMessage;
  presence: { channel: string; members: Member[] };
  channel: ChannelSnapshot;
  reset: { channel: string; epoch: string; seq: number };
  recovery: { channel: string; outcome: 'fresh' | 'recovered' | 'reset'; missed: number };
  error: { code: RealtimeErrorCode; message: string; i18n: string; id?: string };
  message: ServerMessage;
};

export type RequestOptions = {
  /** Keep the message in the offline queue while disconnected (default true for publish and rpc). */
  queue?: boolean;
  /** Ack timeout for this request (default: the client's ackTimeout). */
  timeout?: number;
};

/** A client message as callers write it: the client adds the id. */
export type OutgoingInput =
  | Omit<Extract<ClientMessage, { type: 'publish' }>, 'id'>
  | Omit<Extract<ClientMessage, { type: 'rpc' }>, 'id'>
  | Omit<Extract<ClientMessage, { type: 'presence' }>, 'id'>;

export type Subscription = {
  channel: string;
  /** Resolves once the server confirmed the subscription. */
  ready: Promise<void>;
  unsubscribe(): void;
};

type Reply = { kind: 'ack'; result: unknown } | { kind: 'subscribed'; message: SubscribedMessage };

type PendingRequest = {
  message: IdentifiedMessage;
  durable: boolean;
  retriesLeft: number;
  timeout: number;
  timer: unknown;
  resolve(reply: Reply): void;
  reject(error: RealtimeError): void;
};

/** The tenant-wide presence arrives on frames without a channel; the client files it under this name. */
export const TENANT_PRESENCE = 'presence';

/**
 * One realtime connection: an explicit state machine (see state.ts) plus the things that must survive a reconnect —
 * subscriptions with their last (epoch, seq), the offline queue of unacknowledged writes, and presence.
 */
export class WebSocketClient {
  private readonly options: ClientOptions;
  private readonly emitter: Emitter<ClientEvents>;
  private readonly outbox: Outbox;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly channels = new Map<string, ChannelRecord>();
  private readonly members = new Map<string, Member[]>();
  private current: ConnectionState = { status: 'idle' };
  private socket: SocketLike | null = null;
  private welcomeMessage: WelcomeMessage | null = null;
  private inputs: StateInput[] = [];
  private dispatching = false;
  private retryTimer: unknown = null;
  private connectTimer: unknown = null;
  private pingTimer: unknown = null;
  private watchdogTimer: unknown = null;
  private lastReceivedAt = 0;
  private latencyMs: number | null = null;
  private droppedTotal = 0;
  private tenantPresence: PresencePatch | undefined;
  private idCounter = 0;
  private readonly idPrefix: string;
  private stopNetwork: (() => void) | null = null;

  constructor(options: Partial<ClientOptions> & { url: string }) {
    this.options = {
      ...defaultClientOptions,
      log: (message, details) => console.debug(`[realtime] ${message}`, details ?? ''),
      createSocket: defaultSocketFactory(),
      timers: defaultTimers,
      random: Math.random,
      network: browserNetworkMonitor(),
      ...options,
    };
    this.emitter = new Emitter((error) => this.debug('listener failed', error));
    this.outbox = new Outbox(Math.max(0, this.options.messageQueueSize));
    this.idPrefix = randomPrefix(this.options.random);
    if (this.options.autoConnect) this.connect();
  }

  // ---- public surface ------------------------------------------------------------------------------------------

  get state(): ConnectionState {
    return this.current;
  }

  get latency(): number | null {
    return this.latencyMs;
  }

  get welcome(): WelcomeMessage | null {
    return this.welcomeMessage;
  }

  get queuedMessages(): number {
    return this.outbox.queued;
  }

  get droppedMessages(): number {
    return this.droppedTotal;
  }

  on<K extends keyof ClientEvents>(type: K, listener: (payload: ClientEvents[K]) => void): () => void {
    return this.emitter.on(type, listener);
  }

  /** Starts (or restarts after disconnect) the connection; constructing a client has no side effect before this. */
  connect(): void {
    this.stopNetwork ??= this.options.network.subscribe(
      () => this.dispatch({ type: 'network-online' }),
      () => this.dispatch({ type: 'network-offline' }),
    );
    this.dispatch({ type: 'connect' });
  }

  disconnect(): void {
    this.dispatch({ type: 'disconnect' });
  }

  /** Disconnects and forgets every listener; the instance is not used again. */
  destroy(): void {
    this.disconnect();
    this.stopNetwork?.();
    this.stopNetwork = null;
    this.emitter.clear();
  }

  subscriptions(): ChannelSnapshot[] {
    return [...this.channels.values()].map((record) => record.snapshot());
  }

  channel(name: string): ChannelSnapshot | undefined {
    return this.channels.get(name)?.snapshot();
  }

  presenceOf(channel: string): Member[] {
    return this.members.get(channel) ?? [];
  }

  /**
   * Subscribes (once per channel, however many listeners) and keeps the subscription across reconnects. The last
   * listener leaving unsubscribes on the wire.
   */
  subscribe(
    channel: string,
    listener: ChannelListener = {},
    options: { presence?: PresencePatch } = {},
  ): Subscription {
    if (!parseChannel(channel)) {
      const error = new RealtimeError('INVALID_CHANNEL', `Channel name is not valid: ${channel}`);
      const ready = Promise.reject(error);
      ready.catch(() => {});
      return { channel, ready, unsubscribe: () => {} };
    }
    let record = this.channels.get(channel);
    const isNew = !record;
    if (!record) {
      record = new ChannelRecord(channel);
      this.channels.set(channel, record);
    }
    if (options.presence) record.presence = { ...record.presence, ...options.presence };
    record.listeners.add(listener);
    if (isNew && this.current.status === 'open') this.sendSubscribe(record);
    const ready = record.ready();
    ready.catch(() => {});
    let active = true;
    return {
      channel,
      ready,
      unsubscribe: () => {
        if (!active) return;
        active = false;
        this.removeListener(channel, listener);
      },
    };
  }

  /** Drops every listener of the channel and unsubscribes on the wire. */
  unsubscribe(channel: string): void {
    const record = this.channels.get(channel);
    if (!record) return;
    record.listeners.clear();
    this.dropChannel(record);
  }

  publish(channel: string, event: string, data: unknown, options?: RequestOptions): Promise<unknown> {
    return this.send({ type: 'publish', channel, event, data }, options);
  }

  /** Calls a server method; queued while offline unless `queue: false`. Resolves with the ack's result. */
  rpc<T = unknown>(method: string, params: unknown, options?: RequestOptions): Promise<T> {
    return this.send({ type: 'rpc', method, params }, options) as Promise<T>;
  }

  /** Sends a changing message with a fresh client id and resolves with the server's ack result. */
  send(input: OutgoingInput, options: RequestOptions = {}): Promise<unknown> {
    if (input.type === 'presence') {
      this.updatePresence(input.patch, input.channel);
      return Promise.resolve(undefined);
    }
    const message = { ...input, id: this.nextId() } as IdentifiedMessage;
    return this.request(message, { durable: options.queue !== false, timeout: options.timeout }).then(
      (reply) => (reply.kind === 'ack' ? reply.result : reply.message),
    );
  }

  /**
   * Changes this client's presence, tenant-wide (no channel) or in a channel. Remembered and re-sent after a
   * reconnect; cursor moves are ephemeral (sent only while connected, never queued).
   */
  updatePresence(patch: PresencePatch, channel?: string): void {
    const { cursor, ...lasting } = patch;
    const hasLasting = Object.keys(lasting).length > 0;
    const target = channel && channel !== TENANT_PRESENCE ? channel : undefined;
    if (target) {
      // Presence in a room exists only while subscribed; until the server confirmed the subscription the change
      // waits in the record and goes out with the confirmation (the server refuses presence before that).
      const record = this.channels.get(target);
      if (!record) return;
      if (hasLasting) record.presence = { ...record.presence, ...lasting };
      if (record.status !== 'active') {
        if (hasLasting) record.presenceDirty = true;
        return;
      }
    } else if (hasLasting) {
      this.tenantPresence = { ...this.tenantPresence, ...lasting };
    }
    if (this.current.status !== 'open') return;
    if (hasLasting) this.sendPresence(target, patch);
    else this.write({ type: 'presence', channel: target, patch });
  }

  private sendPresence(channel: string | undefined, patch: PresencePatch): void {
    const message: IdentifiedMessage = { type: 'presence', id: this.nextId(), channel, patch };
    this.track(
      message,
      { durable: false, retries: 0 },
      () => {},
      (error) => {
        if (error.code !== 'ACK_TIMEOUT' && error.code !== 'NOT_CONNECTED')
          this.reportError(error, message.id);
      },
    );
  }

  /** Empties the offline queue; each removed request rejects with QUEUE_CLEARED. */
  clearQueue(): number {
    const removed = this.outbox.clearQueued();
    for (const entry of removed) this.settle(entry.id, new RealtimeError('QUEUE_CLEARED'));
    this.emitQueue();
    return removed.length;
  }

  // ---- state machine -------------------------------------------------------------------------------------------

  private dispatch(input: StateInput): void {
    this.inputs.push(input);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let next = this.inputs.shift(); next; next = this.inputs.shift()) this.step(next);
    } finally {
      this.dispatching = false;
    }
  }

  private step(input: StateInput): void {
    const { timers, random } = this.options;
    const previous = this.current;
    const next = transition(previous, input, {
      now: timers.now(),
      online: this.options.network.isOnline(),
      reconnect: this.options.reconnect,
      maxReconnectAttempts: this.options.maxReconnectAttempts,
      delay: (attempt) =>
        backoffDelay(
          attempt,
          {
            reconnectInterval: this.options.reconnectInterval,
            maxReconnectInterval: this.options.maxReconnectInterval,
            reconnectDecay: this.options.reconnectDecay,
            jitter: this.options.reconnectJitter,
          },
          random(),
        ),
    });
    if (next === previous) return;
    this.current = next;
    this.debug(`${previous.status} -> ${next.status}`, input);
    this.enter(next, previous);
    this.emitter.emit('state', next);
    this.emitQueue();
  }

  private enter(next: ConnectionState, previous: ConnectionState): void {
    if (previous.status === 'reconnecting') this.clearTimer('retryTimer');
    switch (next.status) {
      case 'connecting':
        this.dropSocket();
        this.openSocket();
        return;
      case 'open':
        this.clearTimer('connectTimer');
        this.startHeartbeat();
        this.resume();
        return;
      case 'reconnecting':
        this.dropSocket();
        this.retryTimer = this.options.timers.setTimeout(
          () => this.dispatch({ type: 'retry-due' }),
          Math.max(0, next.nextAttemptAt - this.options.timers.now()),
        );
        return;
      case 'idle':
      case 'offline':
      case 'closed':
        this.dropSocket();
        return;
      default: {
        const unreachable: never = next;
        throw new Error(`unknown state ${String(unreachable)}`);
      }
    }
  }

  // ---- socket --------------------------------------------------------------------------------------------------

  private openSocket(): void {
    const base =
      this.options.baseUrl ?? (globalThis as { location?: { href?: string } }).location?.href ?? undefined;
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(resolveSocketUrl(this.options.url, base));
    } catch (error) {
      this.debug('socket could not be created', error);
      this.options.timers.setTimeout(() => this.dispatch({ type: 'socket-lost', code: 1006 }), 0);
      return;
    }
    this.socket = socket;
    this.lastReceivedAt = this.options.timers.now();
    socket.onmessage = (event) => {
      if (this.socket === socket) this.receive(event.data);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.debug('socket closed', { code: event.code, reason: event.reason });
      this.dispatch({ type: 'socket-lost', code: event.code || 1006 });
    };
    socket.onerror = (event) => this.debug('socket error', event);
    this.connectTimer = this.options.timers.setTimeout(() => {
      if (this.socket === socket && this.current.status === 'connecting') {
        this.debug('no welcome in time');
        this.dispatch({ type: 'socket-lost', code: 1006 });
      }
    }, this.options.connectTimeout);
  }

  /** Leaves the current socket behind: after this nothing it does reaches the client. */
  private dropSocket(): void {
    this.clearTimer('connectTimer');
    this.stopHeartbeat();
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.welcomeMessage = null;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = () => {};
    try {
      socket.close(1000);
    } catch {
      // already closing
    }
    this.afterSocketLost();
  }

  private afterSocketLost(): void {
    for (const [id, request] of this.pending) {
      this.options.timers.clearTimeout(request.timer);
      request.timer = null;
      if (!request.durable) {
        this.pending.delete(id);
        request.reject(new RealtimeError('NOT_CONNECTED'));
      }
    }
    for (const entry of this.outbox.requeueAll()) this.drop(entry.id, entry.message);
    for (const record of this.channels.values()) {
      if (record.status !== 'active' && !record.recovering) continue;
      record.recovering = false;
      if (record.status === 'active') record.status = 'pending';
      this.notifyChannel(record);
    }
  }

  private write(message: ClientMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== SOCKET_OPEN) return false;
    if (this.options.debug) this.debug('send', message);
    socket.send(JSON.stringify(message));
    return true;
  }

  private receive(data: unknown): void {
    this.lastReceivedAt = this.options.timers.now();
    const text = frameText(data);
    let parsed: ReturnType<typeof serverMessage.safeParse> | null = null;
    try {
      parsed = text === null ? null : serverMessage.safeParse(JSON.parse(text));
    } catch {
      parsed = null;
    }
    if (!parsed?.success) {
      this.debug('ignored a frame outside the protocol', text);
      return;
    }
    const message = parsed.data;
    if (this.options.debug && message.type !== 'pong' && message.type !== 'ping')
      this.debug('receive', message);
    this.emitter.emit('message', message);
    this.handle(message);
  }

  private handle(message: ServerMessage): void {
    switch (message.type) {
      case 'welcome':
        this.welcomeMessage = message;
        this.dispatch({ type: 'welcome', connectionId: message.connectionId, nodeId: message.nodeId });
        this.emitter.emit('welcome', message);
        return;
      case 'ping':
        this.write({ type: 'pong', t: message.t });
        return;
      case 'pong':
        this.latencyMs = Math.max(0, this.options.timers.now() - message.t);
        this.emitter.emit('latency', this.latencyMs);
        return;
      case 'ack':
        if (message.ok) this.settle(message.id, { kind: 'ack', result: message.result });
        else this.settle(message.id, RealtimeError.fromBody(message.error));
        return;
      case 'subscribed':
        if (!this.settle(message.id, { kind: 'subscribed', message }))
          this.applySubscribed(message, this.channels.get(message.channel)?.position ?? null);
        return;
      case 'unsubscribed': {
        const record = this.channels.get(message.channel);
        if (!record) return;
        this.fail(record, new RealtimeError(message.reason ?? 'FORBIDDEN'), false);
        return;
      }
      case 'event':
        this.onEvent(message);
        return;
      case 'presence':
        this.onPresence(message.channel ?? TENANT_PRESENCE, message.action, message.member);
        return;
      case 'error':
        if (message.id && this.settle(message.id, RealtimeError.fromBody(message.error))) return;
        this.reportError(RealtimeError.fromBody(message.error), message.id);
        return;
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${String(unreachable)}`);
      }
    }
  }

  // ---- heartbeat -----------------------------------------------------------------------------------------------

  private startHeartbeat(): void {
    const { timers, heartbeatInterval } = this.options;
    this.lastReceivedAt = timers.now();
    const ping = () => {
      this.write({ type: 'ping', t: timers.now() });
      this.pingTimer = timers.setTimeout(ping, heartbeatInterval);
    };
    ping();
    const watch = () => {
      const silentFor = timers.now() - this.lastReceivedAt;
      if (silentFor >= 2 * heartbeatInterval) {
        this.debug('heartbeat: peer silent, dropping the connection', { silentFor });
        this.dispatch({ type: 'socket-lost', code: 4011 });
        return;
      }
      this.watchdogTimer = timers.setTimeout(watch, 2 * heartbeatInterval - silentFor);
    };
    this.watchdogTimer = timers.setTimeout(watch, 2 * heartbeatInterval);
  }

  private stopHeartbeat(): void {
    this.clearTimer('pingTimer');
    this.clearTimer('watchdogTimer');
  }

  // ---- requests and the offline queue --------------------------------------------------------------------------

  private request(
    message: IdentifiedMessage,
    options: { durable: boolean; timeout?: number; retries?: number },
  ): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => this.track(message, options, resolve, reject));
  }

  /**
   * Registers a request and sends it when connected. The callbacks run synchronously with the answer frame, so a
   * replay that follows a `subscribed` in the same read is classified against the position it set.
   */
  private track(
    message: IdentifiedMessage,
    options: { durable: boolean; timeout?: number; retries?: number },
    resolve: (reply: Reply) => void,
    reject: (error: RealtimeError) => void,
  ): void {
    const open = this.current.status === 'open';
    if (!open && !options.durable) {
      reject(new RealtimeError('NOT_CONNECTED'));
      return;
    }
    this.pending.set(message.id, {
      message,
      durable: options.durable,
      retriesLeft: options.retries ?? this.options.ackRetries,
      timeout: options.timeout ?? this.options.ackTimeout,
      timer: null,
      resolve,
      reject,
    });
    if (options.durable) {
      for (const entry of this.outbox.enqueue(message)) this.drop(entry.id, entry.message);
      if (!this.pending.has(message.id)) return;
    }
    if (open) this.transmit(message.id);
    this.emitQueue();
  }

  private transmit(id: string): void {
    const request = this.pending.get(id);
    if (!request || !this.write(request.message)) return;
    if (request.durable) this.outbox.markSent(id);
    this.options.timers.clearTimeout(request.timer);
    request.timer = this.options.timers.setTimeout(() => this.onAckTimeout(id), request.timeout);
  }

  private onAckTimeout(id: string): void {
    const request = this.pending.get(id);
    if (!request) return;
    request.timer = null;
    if (request.retriesLeft > 0 && this.current.status === 'open') {
      request.retriesLeft--;
      this.debug('no ack yet, resending with the same id', id);
      this.transmit(id);
      return;
    }
    this.settle(id, new RealtimeError('ACK_TIMEOUT'));
  }

  /** Resolves or rejects a request by id; false when no request had that id. */
  private settle(id: string, outcome: Reply | RealtimeError): boolean {
    const request = this.pending.get(id);
    if (!request) return false;
    this.pending.delete(id);
    this.options.timers.clearTimeout(request.timer);
    if (request.durable) this.outbox.remove(id);
    if (outcome instanceof RealtimeError) request.reject(outcome);
    else request.resolve(outcome);
    if (request.durable) this.emitQueue();
    return true;
  }

  private drop(id: string, message: IdentifiedMessage): void {
    this.droppedTotal++;
    this.settle(id, new RealtimeError('QUEUE_OVERFLOW'));
    this.debug('offline queue full: dropped the oldest message', { id, total: this.droppedTotal });
    this.emitter.emit('dropped', { message, total: this.droppedTotal });
  }

  /** After a welcome: resubscribe with positions, restore presence, then flush the queue in order. */
  private resume(): void {
    for (const record of this.channels.values()) {
      if (record.status === 'failed' && !record.retryOnReconnect) continue;
      this.sendSubscribe(record);
    }
    if (this.tenantPresence) this.sendPresence(undefined, this.tenantPresence);
    for (const entry of this.outbox.unsent()) this.transmit(entry.id);
  }

  // ---- channels ------------------------------------------------------------------------------------------------

  private sendSubscribe(record: ChannelRecord): void {
    const since = record.position;
    record.presenceDirty = false;
    record.status = 'pending';
    record.recovering = since !== null;
    const message: IdentifiedMessage = {
      type: 'subscribe',
      id: this.nextId(),
      channel: record.name,
      since: since ?? undefined,
      presence: record.presence,
    };
    this.track(
      message,
      { durable: false },
      (reply) => {
        if (this.channels.get(record.name) !== record) return;
        if (reply.kind === 'subscribed') this.applySubscribed(reply.message, since);
        else this.applyAckedPosition(record, since, reply.result);
      },
      (error) => {
        if (error.code === 'NOT_CONNECTED' || this.channels.get(record.name) !== record) return;
        const transient =
          error.code === 'UNAVAILABLE' || error.code === 'INTERNAL' || error.code === 'ACK_TIMEOUT';
        this.fail(record, error, transient);
      },
    );
  }

  private applySubscribed(message: SubscribedMessage, since: Position | null): void {
    const record = this.channels.get(message.channel);
    if (!record) return;
    this.applyPosition(record, since, message);
    this.setMembers(record.name, presenceSnapshot(message.presence));
  }

  /** A server that answers subscribe or recover with a plain ack carrying the position. */
  private applyAckedPosition(record: ChannelRecord, since: Position | null, result: unknown): void {
    const answer = result as { epoch?: unknown; seq?: unknown; recovered?: unknown } | undefined;
    if (typeof answer?.epoch !== 'string' || typeof answer.seq !== 'number') {
      record.status = 'active';
      record.recovering = false;
      record.settleReady();
      return;
    }
    this.applyPosition(record, since, {
      epoch: answer.epoch,
      seq: answer.seq,
      recovered: typeof answer.recovered === 'boolean' ? answer.recovered : undefined,
    });
  }

  private applyPosition(
    record: ChannelRecord,
    since: Position | null,
    answer: { epoch: string; seq: number; recovered?: boolean },
  ): void {
    const outcome = resolveSubscribed(since, answer);
    record.position = outcome.position;
    record.status = 'active';
    record.recovering = false;
    record.error = undefined;
    record.retryOnReconnect = true;
    const missed = outcome.kind === 'recovered' ? outcome.missed : 0;
    this.emitter.emit('recovery', { channel: record.name, outcome: outcome.kind, missed });
    if (outcome.kind === 'reset' && since) {
      const info = { channel: record.name, epoch: outcome.position.epoch, seq: outcome.position.seq };
      this.debug('recovery failed: the app must refetch', info);
      record.notify((listener) => {
        listener.onReset?.(info);
      });
      this.emitter.emit('reset', info);
    }
    if (record.presenceDirty && record.presence) this.sendPresence(record.name, record.presence);
    record.presenceDirty = false;
    record.settleReady();
    this.notifyChannel(record);
  }

  private fail(record: ChannelRecord, error: RealtimeError, retryOnReconnect: boolean): void {
    record.status = 'failed';
    record.recovering = false;
    record.error = error;
    record.retryOnReconnect = retryOnReconnect;
    this.setMembers(record.name, []);
    record.settleReady(error);
    this.reportError(error);
    this.notifyChannel(record);
  }

  private onEvent(event: EventMessage): void {
    const record = this.channels.get(event.channel);
    if (!record || record.status === 'failed') return;
    const verdict = classifyEvent(record.position, event);
    if (verdict === 'deliver') {
      record.position = { epoch: event.epoch, seq: event.seq };
      record.notify((listener) => {
        listener.onEvent?.(event);
      });
      this.emitter.emit('event', event);
      return;
    }
    if (verdict === 'duplicate') {
      this.debug('duplicate event ignored', { channel: event.channel, seq: event.seq });
      return;
    }
    if (record.recovering || !record.position || record.status !== 'active') return;
    this.recover(record, record.position);
  }

  /** A gap: ask the server to replay from the last delivered position. */
  private recover(record: ChannelRecord, since: Position): void {
    record.recovering = true;
    this.debug('gap detected, recovering', { channel: record.name, since });
    this.notifyChannel(record);
    const message: IdentifiedMessage = { type: 'recover', id: this.nextId(), channel: record.name, since };
    this.track(
      message,
      { durable: false },
      (reply) => {
        if (this.channels.get(record.name) !== record) return;
        if (reply.kind === 'subscribed') this.applySubscribed(reply.message, since);
        else this.applyAckedPosition(record, since, reply.result);
      },
      (error) => {
        if (error.code === 'NOT_CONNECTED' || this.channels.get(record.name) !== record) return;
        // Recovery as a request failed: a resubscribe with the same position recovers too.
        this.sendSubscribe(record);
      },
    );
  }

  private onPresence(channel: string, action: 'join' | 'leave' | 'update', member: Member): void {
    const known = this.members.get(channel);
    if (!known && channel !== TENANT_PRESENCE && !this.channels.has(channel)) return;
    const next = applyPresence(known ?? [], action, member);
    if (next !== known) this.setMembers(channel, next);
  }

  private setMembers(channel: string, members: Member[]): void {
    this.members.set(channel, members);
    const record = this.channels.get(channel);
    if (record) {
      record.members = members;
      record.notify((listener) => {
        listener.onPresence?.(members);
      });
    }
    this.emitter.emit('presence', { channel, members });
  }

  private removeListener(channel: string, listener: ChannelListener): void {
    const record = this.channels.get(channel);
    if (!record) return;
    record.listeners.delete(listener);
    if (record.listeners.size === 0) this.dropChannel(record);
  }

  private dropChannel(record: ChannelRecord): void {
    this.channels.delete(record.name);
    if (record.name !== TENANT_PRESENCE) this.members.delete(record.name);
    if (this.current.status === 'open' && record.status !== 'failed') {
      const message: IdentifiedMessage = { type: 'unsubscribe', id: this.nextId(), channel: record.name };
      this.track(
        message,
        { durable: false, retries: 0 },
        () => {},
        () => {},
      );
    }
    record.settleReady(
      new RealtimeError('NOT_CONNECTED', 'Unsubscribed before the subscription was confirmed'),
    );
    this.emitter.emit('channel', { ...record.snapshot(), members: [] });
  }

  private notifyChannel(record: ChannelRecord): void {
    const snapshot = record.snapshot();
    record.notify((listener) => {
      listener.onStatus?.(snapshot);
    });
    this.emitter.emit('channel', snapshot);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private reportError(error: RealtimeError, id?: string): void {
    this.emitter.emit('error', { code: error.code, message: error.message, i18n: error.i18n, id });
  }

  private emitQueue(): void {
    this.emitter.emit('queue', { queued: this.queuedMessages, dropped: this.droppedTotal });
  }

  private clearTimer(name: 'retryTimer' | 'connectTimer' | 'pingTimer' | 'watchdogTimer'): void {
    if (this[name] !== null) this.options.timers.clearTimeout(this[name]);
    this[name] = null;
  }

  private nextId(): string {
    if (this.options.createId) return this.options.createId();
    this.idCounter++;
    return `${this.idPrefix}-${this.idCounter.toString(36)}`;
  }

  private debug(message: string, details?: unknown): void {
    if (this.options.debug) this.options.log(message, details);
  }
}

function randomPrefix(random: () => number): string {
  const uuid = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto?.randomUUID?.();
  if (uuid) return uuid.replace(/-/g, '').slice(0, 16);
  return Array.from({ length: 16 }, () => Math.floor(random() * 36).toString(36)).join('');
}
