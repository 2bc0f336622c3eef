import { z } from 'zod';
import { parseChannel } from '../protocol/channels';
import type { EventMessage, Member, PresencePatch, SignalMessage } from '../protocol/messages';
import { type ChannelListener, ChannelRecord, type ChannelSnapshot, TENANT_PRESENCE } from './channels';
import { RealtimeError } from './errors';
import type { IdentifiedMessage } from './outbox';
import { classifyEvent, type Position, resolveSubscribed } from './position';
import { applyPresence, presenceSnapshot } from './presence-merge';
import type { RequestTracker, SubscribedMessage } from './requests';

export type Subscription = {
  channel: string;
  /** Resolves once the server confirmed the subscription. */
  ready: Promise<void>;
  unsubscribe(): void;
};

type ChannelEvents = {
  event: EventMessage;
  presence: { channel: string; members: Member[] };
  channel: ChannelSnapshot;
  reset: { channel: string; epoch: string; seq: number };
  recovery: { channel: string; outcome: 'fresh' | 'recovered' | 'reset'; missed: number };
};

/** A plain ack's result that carries the channel's position (its other fields, if any, are not read). */
const ackedPosition = z.object({
  epoch: z.string(),
  seq: z.number(),
  recovered: z.boolean().optional().catch(undefined),
});

export type ChannelSyncDeps = {
  requests: RequestTracker;
  isOpen(): boolean;
  nextId(): string;
  emit<K extends keyof ChannelEvents>(type: K, payload: ChannelEvents[K]): void;
  sendPresence(channel: string, patch: PresencePatch): void;
  reportError(error: RealtimeError): void;
  debug(message: string, details?: unknown): void;
};

/**
 * The subscriptions of one client and what must survive a reconnect: each channel's last (epoch, seq), its members
 * and this client's presence in it. Resubscribes with the position, delivers events in order exactly once, asks for
 * recovery on a gap and tells the app to refetch when the server cannot replay.
 */
export class ChannelSync {
  private readonly records = new Map<string, ChannelRecord>();
  private readonly members = new Map<string, Member[]>();

  constructor(private readonly deps: ChannelSyncDeps) {}

  snapshots(): ChannelSnapshot[] {
    return [...this.records.values()].map((record) => record.snapshot());
  }

  snapshot(name: string): ChannelSnapshot | undefined {
    return this.records.get(name)?.snapshot();
  }

  presenceOf(channel: string): Member[] {
    return this.members.get(channel) ?? [];
  }

  subscribe(channel: string, listener: ChannelListener, presence?: PresencePatch): Subscription {
    if (!parseChannel(channel)) {
      const error = new RealtimeError('INVALID_CHANNEL', `Channel name is not valid: ${channel}`);
      const ready = Promise.reject(error);
      ready.catch(() => {});
      return { channel, ready, unsubscribe: () => {} };
    }
    let record = this.records.get(channel);
    const isNew = !record;
    if (!record) {
      record = new ChannelRecord(channel);
      this.records.set(channel, record);
    }
    if (presence) record.presence = { ...record.presence, ...presence };
    record.listeners.add(listener);
    if (isNew && this.deps.isOpen()) this.sendSubscribe(record);
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

  unsubscribe(channel: string): void {
    const record = this.records.get(channel);
    if (!record) return;
    record.listeners.clear();
    this.dropChannel(record);
  }

  /**
   * Remembers a lasting presence change for a room. Presence in a room exists only while subscribed: until the
   * server confirmed the subscription the change waits and goes out with the confirmation (the server refuses
   * presence before that). True when it may be sent now.
   */
  holdPresence(
    channel: string,
    lasting: PresencePatch | undefined,
    cursor?: PresencePatch['cursor'],
  ): boolean {
    const record = this.records.get(channel);
    if (!record) return false;
    if (lasting) record.presence = { ...record.presence, ...lasting };
    if (record.status === 'active') return true;
    if (lasting) record.presenceDirty = true;
    if (cursor !== undefined) record.pendingCursor = cursor;
    return false;
  }

  /** After a welcome: every channel again, with its last position (failed ones only when worth a retry). */
  resubscribeAll(): void {
    for (const record of this.records.values()) {
      if (record.status === 'failed' && !record.retryOnReconnect) continue;
      this.sendSubscribe(record);
    }
  }

  socketLost(): void {
    for (const record of this.records.values()) {
      if (record.status !== 'active' && !record.recovering) continue;
      record.recovering = false;
      if (record.status === 'active') record.status = 'pending';
      this.notifyChannel(record);
    }
  }

  /** A `subscribed` no request waits for: the server re-synchronised the channel (or answered late). */
  resync(message: SubscribedMessage): void {
    this.applySubscribed(message, this.records.get(message.channel)?.position ?? null);
  }

  /** The server ended a subscription (a permission change): not resubscribed. */
  closedByServer(channel: string, error: RealtimeError): void {
    const record = this.records.get(channel);
    if (record) this.fail(record, error, false);
  }

  private sendSubscribe(record: ChannelRecord): void {
    const since = record.position;
    record.presenceDirty = false;
    record.status = 'pending';
    record.recovering = since !== null;
    const message: IdentifiedMessage = {
      type: 'subscribe',
      id: this.deps.nextId(),
      channel: record.name,
      since: since ?? undefined,
      presence: record.presence,
    };
    this.deps.requests.track(
      message,
      { durable: false },
      (reply) => {
        if (this.records.get(record.name) !== record) return;
        if (reply.kind === 'subscribed') this.applySubscribed(reply.message, since);
        else this.applyAckedPosition(record, since, reply.result);
      },
      (error) => {
        if (error.code === 'NOT_CONNECTED' || this.records.get(record.name) !== record) return;
        const transient =
          error.code === 'UNAVAILABLE' || error.code === 'INTERNAL' || error.code === 'ACK_TIMEOUT';
        this.fail(record, error, transient);
      },
    );
  }

  private applySubscribed(message: SubscribedMessage, since: Position | null): void {
    const record = this.records.get(message.channel);
    if (!record) return;
    this.applyPosition(record, since, message);
    this.setMembers(record.name, presenceSnapshot(message.presence));
  }

  /** A server that answers subscribe or recover with a plain ack carrying the position. */
  private applyAckedPosition(record: ChannelRecord, since: Position | null, result: unknown): void {
    const answer = ackedPosition.safeParse(result).data;
    if (!answer) {
      record.status = 'active';
      record.recovering = false;
      record.settleReady();
      return;
    }
    this.applyPosition(record, since, {
      epoch: answer.epoch,
      seq: answer.seq,
      recovered: answer.recovered,
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
    this.deps.emit('recovery', { channel: record.name, outcome: outcome.kind, missed });
    if (outcome.kind === 'reset' && since) {
      const info = { channel: record.name, epoch: outcome.position.epoch, seq: outcome.position.seq };
      this.deps.debug('recovery failed: the app must refetch', info);
      record.notify((listener) => {
        listener.onReset?.(info);
      });
      this.deps.emit('reset', info);
    }
    const dirty = record.presenceDirty && record.presence ? record.presence : undefined;
    const cursor = record.pendingCursor;
    if (dirty || cursor !== undefined)
      this.deps.sendPresence(record.name, { ...dirty, ...(cursor !== undefined ? { cursor } : {}) });
    record.presenceDirty = false;
    record.pendingCursor = undefined;
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
    this.deps.reportError(error);
    this.notifyChannel(record);
  }

  /** Hands an ephemeral signal to the channel's listeners while the subscription is active. */
  onSignal(signal: SignalMessage): void {
    const record = this.records.get(signal.channel);
    if (record?.status !== 'active') return;
    record.notify((listener) => {
      listener.onSignal?.(signal);
    });
  }

  /** Delivers the next event of a channel in order, drops duplicates, and turns a gap into a recovery. */
  onEvent(event: EventMessage): void {
    const record = this.records.get(event.channel);
    if (!record || record.status === 'failed') return;
    const verdict = classifyEvent(record.position, event);
    if (verdict === 'deliver') {
      record.position = { epoch: event.epoch, seq: event.seq };
      record.notify((listener) => {
        listener.onEvent?.(event);
      });
      this.deps.emit('event', event);
      return;
    }
    if (verdict === 'duplicate') {
      this.deps.debug('duplicate event ignored', { channel: event.channel, seq: event.seq });
      return;
    }
    if (record.recovering || !record.position || record.status !== 'active') return;
    this.recover(record, record.position);
  }

  /** A gap: ask the server to replay from the last delivered position. */
  private recover(record: ChannelRecord, since: Position): void {
    record.recovering = true;
    this.deps.debug('gap detected, recovering', { channel: record.name, since });
    this.notifyChannel(record);
    const message: IdentifiedMessage = {
      type: 'recover',
      id: this.deps.nextId(),
      channel: record.name,
      since,
    };
    this.deps.requests.track(
      message,
      { durable: false },
      (reply) => {
        if (this.records.get(record.name) !== record) return;
        if (reply.kind === 'subscribed') this.applySubscribed(reply.message, since);
        else this.applyAckedPosition(record, since, reply.result);
      },
      (error) => {
        if (error.code === 'NOT_CONNECTED' || this.records.get(record.name) !== record) return;
        // Recovery as a request failed: a resubscribe with the same position recovers too.
        this.sendSubscribe(record);
      },
    );
  }

  onPresence(channel: string, action: 'join' | 'leave' | 'update', member: Member): void {
    const known = this.members.get(channel);
    if (!known && channel !== TENANT_PRESENCE && !this.records.has(channel)) return;
    const next = applyPresence(known ?? [], action, member);
    if (next !== known) this.setMembers(channel, next);
  }

  private setMembers(channel: string, members: Member[]): void {
    this.members.set(channel, members);
    const record = this.records.get(channel);
    if (record) {
      record.members = members;
      record.notify((listener) => {
        listener.onPresence?.(members);
      });
    }
    this.deps.emit('presence', { channel, members });
  }

  private removeListener(channel: string, listener: ChannelListener): void {
    const record = this.records.get(channel);
    if (!record) return;
    record.listeners.delete(listener);
    if (record.listeners.size === 0) this.dropChannel(record);
  }

  private dropChannel(record: ChannelRecord): void {
    this.records.delete(record.name);
    if (record.name !== TENANT_PRESENCE) this.members.delete(record.name);
    if (this.deps.isOpen() && record.status !== 'failed') {
      const message: IdentifiedMessage = {
        type: 'unsubscribe',
        id: this.deps.nextId(),
        channel: record.name,
      };
      this.deps.requests.track(
        message,
        { durable: false, retries: 0 },
        () => {},
        () => {},
      );
    }
    record.settleReady(
      new RealtimeError('NOT_CONNECTED', 'Unsubscribed before the subscription was confirmed'),
    );
    this.deps.emit('channel', { ...record.snapshot(), members: [] });
  }

  private notifyChannel(record: ChannelRecord): void {
    const snapshot = record.snapshot();
    record.notify((listener) => {
      listener.onStatus?.(snapshot);
    });
    this.deps.emit('channel', snapshot);
  }
}
