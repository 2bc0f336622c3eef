import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type DropReason = 'slow_consumer' | 'rate_limited' | 'invalid' | 'closed';
export type RecoveryOutcome = 'recovered' | 'not_recovered' | 'fresh' | 'resync';

/** One registry per hub (several servers may run in one test process). */
export function createMetrics(nodeId: string, gauges: { connections(): number; subscriptions(): number }) {
  const registry = new Registry();
  registry.setDefaultLabels({ node: nodeId });
  collectDefaultMetrics({ register: registry, prefix: 'osl_' });
  new Gauge({
    name: 'osl_ws_connections',
    help: 'Open WebSocket connections',
    registers: [registry],
    collect() {
      this.set(gauges.connections());
    },
  });
  new Gauge({
    name: 'osl_ws_subscriptions',
    help: 'Channel subscriptions of open connections',
    registers: [registry],
    collect() {
      this.set(gauges.subscriptions());
    },
  });
  return {
    registry,
    messagesIn: new Counter({
      name: 'osl_ws_messages_in_total',
      help: 'Frames received',
      registers: [registry],
    }),
    messagesOut: new Counter({
      name: 'osl_ws_messages_out_total',
      help: 'Frames sent',
      registers: [registry],
    }),
    published: new Counter({
      name: 'osl_realtime_published_total',
      help: 'Events published on this node',
      registers: [registry],
    }),
    dropped: new Counter({
      name: 'osl_ws_dropped_total',
      help: 'Frames or connections dropped',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    recoveries: new Counter({
      name: 'osl_ws_recoveries_total',
      help: 'Subscription answers by recovery outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'osl_realtime_delivery_latency_seconds',
      help: 'From publish to hand-off to local subscribers',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
