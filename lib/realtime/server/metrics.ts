import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { z } from 'zod';

const dropReasons = ['slow_consumer', 'rate_limited', 'invalid', 'closed'] as const;
const recoveryOutcomes = ['recovered', 'not_recovered', 'fresh', 'resync'] as const;
export type DropReason = (typeof dropReasons)[number];
export type RecoveryOutcome = (typeof recoveryOutcomes)[number];

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** This node's delivery figures as plain numbers (sent to other nodes with the heartbeat, shown to admins). */
export type DeliveryFigures = {
  published: number;
  messagesIn: number;
  messagesOut: number;
  dropped: Record<DropReason, number>;
  recoveries: Record<RecoveryOutcome, number>;
  /** Upper bounds of the histogram buckets holding the median and the 99th percentile, in ms (null: no data). */
  latencyP50Ms: number | null;
  latencyP99Ms: number | null;
};

/** Delivery figures as another node's heartbeat carries them (read back with their shape checked). */
export const deliveryFiguresSchema = z.object({
  published: z.number(),
  messagesIn: z.number(),
  messagesOut: z.number(),
  dropped: z.record(z.enum(dropReasons), z.number()),
  recoveries: z.record(z.enum(recoveryOutcomes), z.number()),
  latencyP50Ms: z.number().nullable(),
  latencyP99Ms: z.number().nullable(),
}) satisfies z.ZodType<DeliveryFigures>;

/**
 * Prometheus metrics (one registry per hub: several servers may run in one test process) and the same figures as
 * plain numbers for the admin view.
 */
export class HubMetrics {
  readonly registry = new Registry();
  private readonly publishedCounter: Counter;
  private readonly droppedCounter: Counter<'reason'>;
  private readonly recoveriesCounter: Counter<'outcome'>;
  private readonly latencyHistogram: Histogram;
  private readonly clientDropsCounter: Counter<'contract'>;
  private readonly clientDropContracts = new Set<string>();
  private readonly latencyCounts = new Array<number>(LATENCY_BUCKETS.length + 1).fill(0);
  private readonly plain: Omit<DeliveryFigures, 'latencyP50Ms' | 'latencyP99Ms'> = {
    published: 0,
    messagesIn: 0,
    messagesOut: 0,
    dropped: { slow_consumer: 0, rate_limited: 0, invalid: 0, closed: 0 },
    recoveries: { recovered: 0, not_recovered: 0, fresh: 0, resync: 0 },
  };

  constructor(nodeId: string, gauges: { connections(): number; subscriptions(): number }) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry, prefix: 'osl_' });
    new Gauge({
      name: 'osl_ws_connections',
      help: 'Open WebSocket connections',
      registers,
      collect() {
        this.set(gauges.connections());
      },
    });
    new Gauge({
      name: 'osl_ws_subscriptions',
      help: 'Channel subscriptions of open connections',
      registers,
      collect() {
        this.set(gauges.subscriptions());
      },
    });
    // The two per-frame counters are kept as plain numbers and read when scraped (no registry call per frame).
    const plain = this.plain;
    new Counter({
      name: 'osl_ws_messages_in_total',
      help: 'Frames received',
      registers,
      collect() {
        this.reset();
        this.inc(plain.messagesIn);
      },
    });
    new Counter({
      name: 'osl_ws_messages_out_total',
      help: 'Frames sent',
      registers,
      collect() {
        this.reset();
        this.inc(plain.messagesOut);
      },
    });
    this.publishedCounter = new Counter({
      name: 'osl_realtime_published_total',
      help: 'Events published on this node',
      registers,
    });
    this.droppedCounter = new Counter({
      name: 'osl_ws_dropped_total',
      help: 'Frames or connections dropped',
      labelNames: ['reason'],
      registers,
    });
    this.recoveriesCounter = new Counter({
      name: 'osl_ws_recoveries_total',
      help: 'Subscription answers by recovery outcome',
      labelNames: ['outcome'],
      registers,
    });
    this.latencyHistogram = new Histogram({
      name: 'osl_realtime_delivery_latency_seconds',
      help: 'From publish to hand-off to local subscribers',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.clientDropsCounter = new Counter({
      name: 'osl_client_payload_dropped_total',
      help: 'Wire payloads browsers dropped at their edge because they did not match the contract (lib/wire)',
      labelNames: ['contract'],
      registers,
    });
  }

  /** Payloads a browser dropped (reported through POST /api/wire/drops); at most 100 contract labels. */
  clientDropped(contract: string, count: number): void {
    if (!this.clientDropContracts.has(contract) && this.clientDropContracts.size >= 100) contract = 'other';
    this.clientDropContracts.add(contract);
    this.clientDropsCounter.inc({ contract }, count);
  }

  messageIn(): void {
    this.plain.messagesIn++;
  }

  messagesOut(count: number): void {
    this.plain.messagesOut += count;
  }

  published(): void {
    this.publishedCounter.inc();
    this.plain.published++;
  }

  dropped(reason: DropReason): void {
    this.droppedCounter.inc({ reason });
    this.plain.dropped[reason]++;
  }

  recovery(outcome: RecoveryOutcome): void {
    this.recoveriesCounter.inc({ outcome });
    this.plain.recoveries[outcome]++;
  }

  latency(seconds: number): void {
    this.latencyHistogram.observe(seconds);
    let bucket = LATENCY_BUCKETS.findIndex((bound) => seconds <= bound);
    if (bucket === -1) bucket = LATENCY_BUCKETS.length;
    this.latencyCounts[bucket]!++;
  }

  figures(): DeliveryFigures {
    return {
      ...this.plain,
      dropped: { ...this.plain.dropped },
      recoveries: { ...this.plain.recoveries },
      latencyP50Ms: this.percentile(0.5),
      latencyP99Ms: this.percentile(0.99),
    };
  }

  private percentile(q: number): number | null {
    const total = this.latencyCounts.reduce((a, b) => a + b, 0);
    if (total === 0) return null;
    let seen = 0;
    for (let i = 0; i < this.latencyCounts.length; i++) {
      seen += this.latencyCounts[i]!;
      if (seen >= total * q)
        return i < LATENCY_BUCKETS.length ? LATENCY_BUCKETS[i]! * 1000 : Number.POSITIVE_INFINITY;
    }
    return null;
  }
}
