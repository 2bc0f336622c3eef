import type { HistoryStore } from '../bus';
import type { ChannelRef } from '../protocol';
import type { Subscription } from './connection';

export type ChannelEvent = { epoch: string; seq: number; ts: number; frame: string };

export type ChannelSink = {
  history: HistoryStore;
  /** Hands one event, in order, to the channel's subscribers on this node. */
  deliver(channel: LocalChannel, event: ChannelEvent): void;
  /** The channel's position jumped (history lost, epoch changed): subscribers must refetch (recovered: false). */
  resync(channel: LocalChannel): void;
};

type Phase = 'loading' | 'ready' | 'filling';

/**
 * A channel with subscribers on this node, and its sequencer: events reach subscribers strictly in seq order
 * whichever node published them and in whatever order the bus delivered them. A gap is filled from the history;
 * when the history cannot fill it (or the epoch changed) subscribers are told to resync; never a silent gap.
 */
export class LocalChannel {
  epoch = '';
  seq = 0;
  readonly subs = new Set<Subscription>();
  /** The parsed channel name, kept by the first signal that needed it. */
  ref: ChannelRef | null | undefined;
  ready: Promise<void>;
  /** Resolves once the channel's presence (other nodes' members) is known. */
  presenceReady: Promise<void> = Promise.resolve();
  private phase: Phase = 'loading';
  private queue: ChannelEvent[] = [];

  constructor(
    readonly key: string,
    readonly name: string,
    readonly tenantId: string,
    private readonly sink: ChannelSink,
  ) {
    this.ready = this.load();
  }

  private async load(): Promise<void> {
    const head = await this.sink.history.head(this.key);
    this.epoch = head.epoch;
    this.seq = head.seq;
    this.phase = 'ready';
    this.drain();
  }

  offer(event: ChannelEvent): void {
    if (this.phase !== 'ready') {
      this.queue.push(event);
      return;
    }
    if (event.epoch === this.epoch) {
      if (event.seq <= this.seq) return;
      if (event.seq === this.seq + 1) {
        this.deliverOne(event);
        return;
      }
    } else if (event.seq === 1) {
      this.epoch = event.epoch;
      this.seq = 0;
      this.sink.resync(this);
      this.deliverOne(event);
      return;
    }
    this.queue.push(event);
    void this.fill(event.epoch, event.seq - 1);
  }

  /** After the bus reconnected: catch up with what was published meanwhile. */
  async catchUp(): Promise<void> {
    if (this.phase !== 'ready') return;
    const head = await this.sink.history.head(this.key);
    if (head.epoch !== this.epoch || head.seq > this.seq) await this.fill(head.epoch, head.seq);
  }

  private deliverOne(event: ChannelEvent): void {
    this.seq = event.seq;
    this.sink.deliver(this, event);
  }

  private async fill(epoch: string, upTo: number): Promise<void> {
    this.phase = 'filling';
    const sameEpoch = epoch === this.epoch;
    const after = sameEpoch ? this.seq : 0;
    let events: Awaited<ReturnType<HistoryStore['range']>> = [];
    if (upTo > after) events = await this.sink.history.range(this.key, epoch, after, upTo).catch(() => null);
    if (!sameEpoch) {
      this.epoch = epoch;
      this.seq = 0;
    }
    if (events === null) {
      this.seq = upTo;
      this.sink.resync(this);
    } else {
      if (!sameEpoch) this.sink.resync(this);
      for (const stored of events) if (stored.seq > this.seq) this.deliverOne({ epoch, ...stored });
    }
    this.phase = 'ready';
    this.drain();
  }

  private drain(): void {
    const queued = this.queue.sort((a, b) => (a.epoch === b.epoch ? a.seq - b.seq : 0));
    this.queue = [];
    for (let i = 0; i < queued.length; i++) {
      if (this.phase !== 'ready') {
        this.queue.push(...queued.slice(i));
        return;
      }
      this.offer(queued[i]!);
    }
  }
}
