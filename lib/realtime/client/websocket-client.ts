import { mayHoldLoneSurrogate, wellFormedValue } from '../../wire/json';
import {
  type ClientMessage,
  type EventMessage,
  type Member,
  type PresencePatch,
  type ServerMessage,
  serverMessage,
} from '../protocol/messages';
import { backoffDelay } from './backoff';
import { ChannelSync, type Subscription } from './channel-sync';
import { type ChannelListener, type ChannelSnapshot, TENANT_PRESENCE } from './channels';
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
import { Heartbeat } from './heartbeat';
import { type ClientOptions, defaultClientOptions } from './options';
import type { IdentifiedMessage } from './outbox';
import { RequestTracker } from './requests';
import { type ConnectionState, type StateInput, transition } from './state';
import { resolveSocketUrl } from './url';

export type { Subscription } from './channel-sync';
export { TENANT_PRESENCE } from './channels';

export type WelcomeMessage = Extract<ServerMessage, { type: 'welcome' }>;

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

/**
 * One realtime connection: an explicit state machine (see state.ts) plus the things that must survive a reconnect —
 * subscriptions with their last (epoch, seq), the offline queue of unacknowledged writes, and presence.
 */
export class WebSocketClient {
  private readonly options: ClientOptions;
  private readonly emitter: Emitter<ClientEvents>;
  private readonly requests: RequestTracker;
  private readonly heartbeat: Heartbeat;
  private readonly channels: ChannelSync;
  private current: ConnectionState = { status: 'idle' };
  private socket: SocketLike | null = null;
  private welcomeMessage: WelcomeMessage | null = null;
  private inputs: StateInput[] = [];
  private dispatching = false;
  private retryTimer: unknown = null;
  private connectTimer: unknown = null;
  private latencyMs: number | null = null;
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
    this.requests = new RequestTracker({
      timers: this.options.timers,
      queueSize: this.options.messageQueueSize,
      ackTimeout: this.options.ackTimeout,
      ackRetries: this.options.ackRetries,
      isOpen: () => this.current.status === 'open',
      write: (message) => this.write(message),
      onDropped: (message, total) => this.emitter.emit('dropped', { message, total }),
      onQueueChange: () => this.emitQueue(),
      debug: (message, details) => this.debug(message, details),
    });
    this.channels = new ChannelSync({
      requests: this.requests,
      isOpen: () => this.current.status === 'open',
      nextId: () => this.nextId(),
      emit: (type, payload) => this.emitter.emit(type, payload as ClientEvents[typeof type]),
      sendPresence: (channel, patch) => this.sendPresence(channel, patch),
      reportError: (error) => this.reportError(error),
      debug: (message, details) => this.debug(message, details),
    });
    this.heartbeat = new Heartbeat({
      timers: this.options.timers,
      interval: this.options.heartbeatInterval,
      sendPing: (t) => this.write({ type: 'ping', t }),
      onDead: (silentFor) => {
        this.debug('heartbeat: peer silent, dropping the connection', { silentFor });
        this.dispatch({ type: 'socket-lost', code: 4011 });
      },
    });
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
    return this.requests.queued;
  }

  get droppedMessages(): number {
    return this.requests.dropped;
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
    return this.channels.snapshots();
  }

  channel(name: string): ChannelSnapshot | undefined {
    return this.channels.snapshot(name);
  }

  presenceOf(channel: string): Member[] {
    return this.channels.presenceOf(channel);
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
    return this.channels.subscribe(channel, listener, options.presence);
  }

  /** Drops every listener of the channel and unsubscribes on the wire. */
  unsubscribe(channel: string): void {
    this.channels.unsubscribe(channel);
  }

  publish(channel: string, event: string, data: unknown, options?: RequestOptions): Promise<unknown> {
    return this.send({ type: 'publish', channel, event, data }, options);
  }

  /**
   * Sends an ephemeral signal (a caret, "is typing") to the other subscribers of a channel this client is subscribed
   * to: no seq, history or replay, never queued offline, no ack. False when it could not be sent now (not open).
   */
  signal(channel: string, event: string, data: unknown): boolean {
    if (this.current.status !== 'open') return false;
    return this.write({ type: 'signal', channel, event, data });
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
    return this.requests
      .request(message, { durable: options.queue !== false, timeout: options.timeout })
      .then((reply) => (reply.kind === 'ack' ? reply.result : reply.message));
  }

  /**
   * Changes this client's presence, tenant-wide (no channel) or in a channel. Remembered and re-sent after a
   * reconnect; cursor moves are ephemeral (never queued offline), but the newest one given while a room's
   * subscription is pending is sent when it is confirmed.
   */
  updatePresence(patch: PresencePatch, channel?: string): void {
    const { cursor, ...lasting } = patch;
    const hasLasting = Object.keys(lasting).length > 0;
    const target = channel && channel !== TENANT_PRESENCE ? channel : undefined;
    if (target) {
      if (!this.channels.holdPresence(target, hasLasting ? lasting : undefined, cursor)) return;
    } else if (hasLasting) {
      this.tenantPresence = { ...this.tenantPresence, ...lasting };
    }
    if (this.current.status !== 'open') return;
    if (hasLasting) this.sendPresence(target, patch);
    else this.write({ type: 'presence', channel: target, patch });
  }

  /** Sends a lasting presence change with an id (acked); failures other than a lost connection are reported. */
  private sendPresence(channel: string | undefined, patch: PresencePatch): void {
    const message: IdentifiedMessage = { type: 'presence', id: this.nextId(), channel, patch };
    this.requests.track(
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
    return this.requests.clearQueue();
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
        this.heartbeat.start();
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
    this.heartbeat.heard();
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
    this.heartbeat.stop();
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
    this.requests.socketLost();
    this.channels.socketLost();
  }

  private write(message: ClientMessage): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== SOCKET_OPEN) return false;
    if (this.options.debug) this.debug('send', message);
    const text = JSON.stringify(message);
    // Half an emoji a person pasted (a lone surrogate, which JSON writes as an escape) goes as U+FFFD, as a
    // browser's UTF-8 encoding sends it in a form: the server refuses such a frame as BAD_FRAME.
    socket.send(mayHoldLoneSurrogate(text) ? JSON.stringify(wellFormedValue(message)) : text);
    return true;
  }

  private receive(data: unknown): void {
    this.heartbeat.heard();
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
        if (message.ok) this.requests.settle(message.id, { kind: 'ack', result: message.result });
        else this.requests.settle(message.id, RealtimeError.fromBody(message.error));
        return;
      case 'subscribed':
        if (!this.requests.settle(message.id, { kind: 'subscribed', message })) this.channels.resync(message);
        return;
      case 'unsubscribed':
        this.channels.closedByServer(message.channel, new RealtimeError(message.reason ?? 'FORBIDDEN'));
        return;
      case 'event':
        this.channels.onEvent(message);
        return;
      case 'signal':
        this.channels.onSignal(message);
        return;
      case 'presence':
        this.channels.onPresence(message.channel ?? TENANT_PRESENCE, message.action, message.member);
        return;
      case 'error':
        if (message.id && this.requests.settle(message.id, RealtimeError.fromBody(message.error))) return;
        this.reportError(RealtimeError.fromBody(message.error), message.id);
        return;
      default: {
        const unreachable: never = message;
        throw new Error(`unhandled message ${String(unreachable)}`);
      }
    }
  }

  // ---- resume --------------------------------------------------------------------------------------------------

  /** After a welcome: resubscribe with positions, restore presence, then flush the queue in order. */
  private resume(): void {
    this.channels.resubscribeAll();
    if (this.tenantPresence) this.sendPresence(undefined, this.tenantPresence);
    this.requests.flush();
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private reportError(error: RealtimeError, id?: string): void {
    this.emitter.emit('error', { code: error.code, message: error.message, i18n: error.i18n, id });
  }

  private emitQueue(): void {
    this.emitter.emit('queue', { queued: this.queuedMessages, dropped: this.droppedMessages });
  }

  private clearTimer(name: 'retryTimer' | 'connectTimer'): void {
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
