import type { HistoryStore } from '../bus';
import type { ClientMessage, ErrorCode } from '../protocol';
import type { Connection, HubUser, Subscription } from './connection';
import { type ChannelEvent, LocalChannel } from './local-channel';
import type { HubMetrics } from './metrics';
import { applyConnectionFields, applyScopeFields } from './presence-fields';
import type { PresenceChange, PresenceTracker } from './presence-tracker';
import { OutFrame } from './socket';

export type ChannelRouterDeps = {
  history: HistoryStore;
  presence: PresenceTracker;
  metrics: HubMetrics;
  maxSubscriptions: number;
  /** The hub's clock (presence timestamps, delivery latency). */
  now(): number;
  authorize(user: HubUser, channel: string, mode: 'read' | 'write'): Promise<ErrorCode | null>;
  send(conn: Connection, frame: OutFrame): boolean;
  ackError(conn: Connection, id: string, code: ErrorCode): void;
  connectionChanged(conn: Connection): void;
};

/**
 * This node's channels and their subscriptions: subscribe (answer, replay, then live), unsubscribe, and the
 * fan-out of events, resyncs and presence frames to the live subscribers (syncing ones hold them until answered).
 */
export class ChannelRouter {
  private readonly channels = new Map<string, LocalChannel>();
  private count = 0;

  constructor(private readonly deps: ChannelRouterDeps) {}

  get size(): number {
    return this.channels.size;
  }

  get subscriptions(): number {
    return this.count;
  }

  /** An event for a channel (from this node or the bus); ignored without local subscribers. */
  offer(key: string, event: ChannelEvent): void {
    this.channels.get(key)?.offer(event);
  }

  all(): IterableIterator<LocalChannel> {
    return this.channels.values();
  }

  private channelFor(key: string, name: string, tenantId: string): LocalChannel {
    let channel = this.channels.get(key);
    if (channel) return channel;
    channel = new LocalChannel(key, name, tenantId, {
      history: this.deps.history,
      deliver: (ch, event) => this.deliver(ch, event),
      resync: (ch) => this.resync(ch),
    });
    channel.ready.catch(() => {});
    channel.presenceReady = this.deps.presence.listen(key, tenantId, name === 'presence' ? undefined : name);
    this.channels.set(key, channel);
    return channel;
  }

  async subscribe(conn: Connection, message: Extract<ClientMessage, { type: 'subscribe' }>): Promise<void> {
    const { id, channel: name, since } = message;
    const denied = await this.deps.authorize(conn.user, name, 'read');
    if (denied) return this.deps.ackError(conn, id, denied);
    if (conn.phase !== 'open') return;
    let sub = conn.subs.get(name);
    if (!sub && conn.subs.size >= this.deps.maxSubscriptions)
      return this.deps.ackError(conn, id, 'TOO_MANY_SUBSCRIPTIONS');
    const { tenantId } = conn.user;
    const key = `${tenantId}:${name}`;
    if (sub) {
      sub.phase = 'syncing';
      sub.pending = [];
    } else {
      const channel = this.channelFor(key, name, tenantId);
      sub = { conn, channel, phase: 'syncing', pending: [], fields: { updatedAt: this.deps.now() } };
      if (message.presence) applyScopeFields(sub.fields, message.presence, this.deps.now());
      channel.subs.add(sub);
      conn.subs.set(name, sub);
      this.count++;
      if (name !== 'presence') this.deps.presence.join(key, tenantId, name, sub);
    }
    if (message.presence && applyConnectionFields(conn, message.presence)) this.deps.connectionChanged(conn);
    const channel = sub.channel;
    try {
      await channel.ready;
      await channel.presenceReady;
    } catch {
      this.detach(sub);
      return this.deps.ackError(conn, id, 'UNAVAILABLE');
    }
    if (conn.subs.get(name) !== sub) return;
    const position = { epoch: channel.epoch, seq: channel.seq };
    sub.pending = [];
    let recovered: boolean | undefined;
    let replay: Array<{ frame: string }> = [];
    if (since) {
      if (since.epoch === position.epoch && since.seq <= position.seq) {
        const events = await this.deps.history
          .range(key, position.epoch, since.seq, position.seq)
          .catch(() => null);
        recovered = events !== null;
        replay = events ?? [];
      } else recovered = since.epoch === position.epoch;
      this.deps.metrics.recovery(recovered ? 'recovered' : 'not_recovered');
    } else this.deps.metrics.recovery('fresh');
    if (conn.subs.get(name) !== sub || conn.phase !== 'open') return;
    const answer = {
      type: 'subscribed',
      id,
      channel: name,
      epoch: position.epoch,
      seq: position.seq,
      ...(recovered === undefined ? {} : { recovered }),
      presence: this.deps.presence.members(key),
    };
    this.deps.send(conn, new OutFrame(JSON.stringify(answer)));
    for (const event of replay) this.deps.send(conn, new OutFrame(event.frame));
    for (const frame of sub.pending) this.deps.send(conn, frame);
    sub.pending = [];
    sub.phase = 'live';
  }

  detach(sub: Subscription): void {
    const { conn, channel } = sub;
    if (conn.subs.get(channel.name) === sub) conn.subs.delete(channel.name);
    if (!channel.subs.delete(sub)) return;
    this.count--;
    if (channel.name !== 'presence') this.deps.presence.leave(channel.key, sub);
    if (channel.subs.size === 0 && this.channels.get(channel.key) === channel) {
      this.channels.delete(channel.key);
      this.deps.presence.unlisten(channel.key);
    }
  }

  private deliver(channel: LocalChannel, event: ChannelEvent): void {
    const frame = new OutFrame(event.frame);
    this.fanOut(channel, frame);
    this.deps.metrics.latency((this.deps.now() - event.ts) / 1000);
  }

  private fanOut(channel: LocalChannel, frame: OutFrame): void {
    let sent = 0;
    for (const sub of channel.subs) {
      if (sub.phase === 'live') {
        if (this.deps.send(sub.conn, frame)) sent++;
      } else sub.pending.push(frame);
    }
    this.deps.metrics.messagesOut(sent);
  }

  /** An ephemeral signal: to the channel's live subscribers but its sender (syncing ones miss it: nothing waits). */
  signal(channel: LocalChannel, frame: OutFrame, sender: Connection): void {
    let sent = 0;
    for (const sub of channel.subs)
      if (sub.phase === 'live' && sub.conn !== sender && this.deps.send(sub.conn, frame)) sent++;
    this.deps.metrics.messagesOut(sent);
  }

  /** Another node's signal for a channel (tenant-prefixed key); ignored without local subscribers. */
  signalRemote(key: string, text: string): void {
    const channel = this.channels.get(key);
    if (!channel) return;
    let sent = 0;
    const frame = new OutFrame(text);
    for (const sub of channel.subs) if (sub.phase === 'live' && this.deps.send(sub.conn, frame)) sent++;
    this.deps.metrics.messagesOut(sent);
  }

  private resync(channel: LocalChannel): void {
    this.deps.metrics.recovery('resync');
    const frame = {
      type: 'subscribed',
      id: '',
      channel: channel.name,
      epoch: channel.epoch,
      seq: channel.seq,
      recovered: false,
      presence: this.deps.presence.members(channel.key),
    };
    this.fanOut(channel, new OutFrame(JSON.stringify(frame)));
  }

  emitPresence(key: string, change: PresenceChange): void {
    const channel = this.channels.get(key);
    if (!channel) return;
    const { action, member } = change;
    const frame = {
      type: 'presence',
      ...(change.channel ? { channel: change.channel } : {}),
      action,
      member,
    };
    this.fanOut(channel, new OutFrame(JSON.stringify(frame)));
  }
}
