import { z } from 'zod';
import type { PublishInput } from '../realtime/server/hub';
import { pusherChannelFor } from './domain-channels';
import type { PusherServer } from './server';

/** Laravel broadcasts carry a flat object: the event's fields, plus who did it. */
function payloadOf(data: unknown, actor: PublishInput['actor']): string {
  const body =
    typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...data } : { value: data ?? null };
  return JSON.stringify(actor && !('actor' in body) ? { ...body, actor } : body);
}

/** What the bridge reads of a hub event frame that another node published (the hub's own encoding). */
const hubEvent = z.object({
  event: z.string(),
  data: z.unknown(),
  actor: z.object({ id: z.string(), name: z.string() }).optional(),
});

export type DomainBridge = {
  /** A hub event this node published. */
  published(input: PublishInput): void;
  /** A hub event another node published, as its frame arrived on the hub's bus (`key` is `tenant:channel`). */
  received(key: string, frame: string): void;
};

/**
 * Mirrors every domain event published through the hub to the default Pusher app, on the Laravel-style channel
 * (private-products.{tenant} with `product.updated`, …). Every node mirrors the hub events it sees to its own
 * Pusher listeners: those it publishes, and those the hub's bus brings from the others. A bridged event crosses
 * the bus once, as the hub's event (which every node receives anyway), not a second time as a Pusher frame; a
 * node with no listener on the channel builds no frame and, for another node's event, parses nothing.
 */
export function createDomainBridge(server: PusherServer, appId: string): DomainBridge {
  return {
    published(input) {
      const channel = pusherChannelFor(input.tenantId, input.channel);
      if (!channel || !server.listens(appId, channel)) return;
      server.publishHere(appId, channel, input.event, payloadOf(input.data, input.actor));
    },
    received(key, frame) {
      const colon = key.indexOf(':');
      if (colon <= 0) return;
      const channel = pusherChannelFor(key.slice(0, colon), key.slice(colon + 1));
      if (!channel || !server.listens(appId, channel)) return;
      const event = hubEvent.safeParse(JSON.parse(frame));
      if (!event.success) return;
      const { data, actor } = event.data;
      server.publishHere(appId, channel, event.data.event, payloadOf(data, actor));
    },
  };
}
