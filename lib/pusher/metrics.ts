import { Counter, Gauge, type Registry } from 'prom-client';
import type { PusherObserver } from './server';

/** Pusher counters on the hub's registry, so /metrics shows both protocols side by side. */
export function pusherMetrics(
  registry: Registry,
): PusherObserver & { webhook(outcome: 'sent' | 'dropped'): void } {
  const connections = new Gauge({
    name: 'osl_pusher_connections',
    help: 'Open Pusher protocol connections',
    labelNames: ['app'] as const,
    registers: [registry],
  });
  const opened = new Counter({
    name: 'osl_pusher_connections_total',
    help: 'Pusher protocol connections opened',
    labelNames: ['app'] as const,
    registers: [registry],
  });
  const messagesIn = new Counter({
    name: 'osl_pusher_messages_in_total',
    help: 'Pusher protocol frames received',
    registers: [registry],
  });
  const messagesOut = new Counter({
    name: 'osl_pusher_messages_out_total',
    help: 'Pusher protocol channel frames delivered',
    registers: [registry],
  });
  const webhooks = new Counter({
    name: 'osl_pusher_webhooks_total',
    help: 'Pusher webhook requests by outcome',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  return {
    connectionOpened: (appId) => {
      connections.inc({ app: appId });
      opened.inc({ app: appId });
    },
    connectionClosed: (appId) => connections.dec({ app: appId }),
    delivered: (frames) => messagesOut.inc(frames),
    received: () => messagesIn.inc(),
    webhook: (outcome) => webhooks.inc({ outcome }),
  };
}
