import type { ServerMessage } from '../protocol/messages';
import type { Timers } from './environment';
import { RealtimeError } from './errors';
import { type IdentifiedMessage, Outbox } from './outbox';

export type SubscribedMessage = Extract<ServerMessage, { type: 'subscribed' }>;
export type Reply = { kind: 'ack'; result: unknown } | { kind: 'subscribed'; message: SubscribedMessage };

export type TrackOptions = {
  /** Durable requests (publish, rpc) wait in the bounded offline queue and survive reconnects. */
  durable: boolean;
  timeout?: number;
  retries?: number;
};

type PendingRequest = {
  message: IdentifiedMessage;
  durable: boolean;
  retriesLeft: number;
  timeout: number;
  timer: unknown;
  resolve(reply: Reply): void;
  reject(error: RealtimeError): void;
};

export type RequestDeps = {
  timers: Timers;
  queueSize: number;
  ackTimeout: number;
  ackRetries: number;
  isOpen(): boolean;
  /** Writes a frame on the current socket; false when there is none. */
  write(message: IdentifiedMessage): boolean;
  onDropped(message: IdentifiedMessage, total: number): void;
  onQueueChange(): void;
  debug(message: string, details?: unknown): void;
};

/**
 * Every message with a client id that waits for an answer: ack timeouts with resends under the same id, and the
 * durable ones kept in order in the offline queue (bounded; drops are counted and reported, never silent).
 */
export class RequestTracker {
  private readonly pending = new Map<string, PendingRequest>();
  private readonly outbox: Outbox;
  private droppedTotal = 0;

  constructor(private readonly deps: RequestDeps) {
    this.outbox = new Outbox(Math.max(0, deps.queueSize));
  }

  get queued(): number {
    return this.outbox.queued;
  }

  get dropped(): number {
    return this.droppedTotal;
  }

  request(message: IdentifiedMessage, options: TrackOptions): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => this.track(message, options, resolve, reject));
  }

  /**
   * Registers a request and sends it when connected. The callbacks run synchronously with the answer frame, so a
   * replay that follows a `subscribed` in the same read is classified against the position it set.
   */
  track(
    message: IdentifiedMessage,
    options: TrackOptions,
    resolve: (reply: Reply) => void,
    reject: (error: RealtimeError) => void,
  ): void {
    const open = this.deps.isOpen();
    if (!open && !options.durable) {
      reject(new RealtimeError('NOT_CONNECTED'));
      return;
    }
    this.pending.set(message.id, {
      message,
      durable: options.durable,
      retriesLeft: options.retries ?? this.deps.ackRetries,
      timeout: options.timeout ?? this.deps.ackTimeout,
      timer: null,
      resolve,
      reject,
    });
    if (options.durable) {
      for (const entry of this.outbox.enqueue(message)) this.drop(entry.id, entry.message);
      if (!this.pending.has(message.id)) return;
    }
    if (open) this.transmit(message.id);
    this.deps.onQueueChange();
  }

  /** Resolves or rejects a request by id; false when no request had that id. */
  settle(id: string, outcome: Reply | RealtimeError): boolean {
    const request = this.pending.get(id);
    if (!request) return false;
    this.pending.delete(id);
    this.deps.timers.clearTimeout(request.timer);
    if (request.durable) this.outbox.remove(id);
    if (outcome instanceof RealtimeError) request.reject(outcome);
    else request.resolve(outcome);
    if (request.durable) this.deps.onQueueChange();
    return true;
  }

  /** The socket is gone: transient requests fail, durable ones wait again in their original order. */
  socketLost(): void {
    for (const [id, request] of this.pending) {
      this.deps.timers.clearTimeout(request.timer);
      request.timer = null;
      if (!request.durable) {
        this.pending.delete(id);
        request.reject(new RealtimeError('NOT_CONNECTED'));
      }
    }
    for (const entry of this.outbox.requeueAll()) this.drop(entry.id, entry.message);
  }

  /** Sends everything queued, oldest first (after the resubscribes of a new connection). */
  flush(): void {
    for (const entry of this.outbox.unsent()) this.transmit(entry.id);
  }

  /** Empties the offline queue; each removed request rejects with QUEUE_CLEARED. */
  clearQueue(): number {
    const removed = this.outbox.clearQueued();
    for (const entry of removed) this.settle(entry.id, new RealtimeError('QUEUE_CLEARED'));
    this.deps.onQueueChange();
    return removed.length;
  }

  private transmit(id: string): void {
    const request = this.pending.get(id);
    if (!request || !this.deps.write(request.message)) return;
    if (request.durable) this.outbox.markSent(id);
    this.deps.timers.clearTimeout(request.timer);
    request.timer = this.deps.timers.setTimeout(() => this.onAckTimeout(id), request.timeout);
  }

  private onAckTimeout(id: string): void {
    const request = this.pending.get(id);
    if (!request) return;
    request.timer = null;
    if (request.retriesLeft > 0 && this.deps.isOpen()) {
      request.retriesLeft--;
      this.deps.debug('no ack yet, resending with the same id', id);
      this.transmit(id);
      return;
    }
    this.settle(id, new RealtimeError('ACK_TIMEOUT'));
  }

  private drop(id: string, message: IdentifiedMessage): void {
    this.droppedTotal++;
    this.settle(id, new RealtimeError('QUEUE_OVERFLOW'));
    this.deps.debug('offline queue full: dropped the oldest message', { id, total: this.droppedTotal });
    this.deps.onDropped(message, this.droppedTotal);
  }
}
