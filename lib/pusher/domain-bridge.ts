import type { PublishInput } from '../realtime/server/hub';
import { pusherChannelFor } from './domain-channels';
import type { PusherServer } from './server';

/** Laravel broadcasts carry a flat object: the event's fields, plus who did it. */
function payloadOf(input: PublishInput): string {
  const data = input.data;
  const body =
    typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...data } : { value: data ?? null };
  return JSON.stringify(input.actor && !('actor' in body) ? { ...body, actor: input.actor } : body);
}

/**
 * Mirrors every domain event published through the hub (on the node that publishes it) to the default Pusher
 * app, on the Laravel-style channel (private-products.{tenant} with `product.updated`, …). The Pusher bus then
 * carries it to the other nodes, so each event is bridged once.
 */
export function createDomainBridge(server: PusherServer, appId: string) {
  return (input: PublishInput): void => {
    const channel = pusherChannelFor(input.tenantId, input.channel);
    if (!channel || !server.reaches(appId, channel)) return;
    server.publish({ appId, channels: [channel], event: input.event, data: payloadOf(input) });
  };
}
