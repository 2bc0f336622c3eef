import { z } from 'zod';
import type { ActivityDeps, ActivityInput } from './record';
import { recordActivity } from './record';

type PublishInput = {
  tenantId: string;
  channel: string;
  event: string;
  data: unknown;
  actor?: { id: string; name: string };
};
type Publish = (input: PublishInput) => Promise<unknown>;
const changes = z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }));
/** What the activity reads of a catalog event's payload (lib/catalog/events.ts); every part optional. */
const eventData = z
  .object({
    id: z.string(),
    number: z.string(),
    sku: z.string(),
    name: z.string(),
    changes,
    product: z.object({ name: z.string().optional(), sku: z.string().optional() }),
    customer: z.object({ name: z.string().optional() }),
    order: z.object({ number: z.string().optional() }),
    items: z.array(z.object({ id: z.string(), changes })),
    from: z.string(),
    to: z.string(),
  })
  .partial();

/**
 * The activity of one catalog event, read from the list channel's copy only (the per-entity copies repeat it).
 * Events that are consequences of another action (stock and price moves) are not actions of their own.
 */
export function catalogEventActivity(input: PublishInput): ActivityInput[] {
  if (!input.actor) return [];
  const data = eventData.safeParse(input.data ?? {}).data ?? {};
  const base = { tenantId: input.tenantId, actor: input.actor };
  switch (`${input.channel} ${input.event}`) {
    case 'products product.created':
      return [
        {
          ...base,
          action: 'created',
          entityType: 'product',
          entityId: String(data.id),
          entityLabel: data.product?.name ?? null,
        },
      ];
    case 'products product.updated':
      return [
        {
          ...base,
          action: 'updated',
          entityType: 'product',
          entityId: String(data.id),
          entityLabel: data.product?.name ?? null,
          changes: data.changes ?? null,
        },
      ];
    case 'products product.deleted':
      return [
        {
          ...base,
          action: 'deleted',
          entityType: 'product',
          entityId: String(data.id),
          entityLabel: data.name ?? null,
        },
      ];
    case 'products product.bulk_updated':
      return (data.items ?? []).map((item) => ({
        ...base,
        action: 'updated' as const,
        entityType: 'product' as const,
        entityId: item.id,
        changes: item.changes,
        meta: { bulk: true },
      }));
    case 'customers customer.created':
      return [
        {
          ...base,
          action: 'created',
          entityType: 'customer',
          entityId: String(data.id),
          entityLabel: data.customer?.name ?? null,
        },
      ];
    case 'customers customer.updated':
      return [
        {
          ...base,
          action: 'updated',
          entityType: 'customer',
          entityId: String(data.id),
          entityLabel: data.customer?.name ?? null,
          changes: data.changes ?? null,
        },
      ];
    case 'orders order.created':
      return [
        {
          ...base,
          action: 'created',
          entityType: 'order',
          entityId: String(data.id),
          entityLabel: data.order?.number ?? null,
        },
      ];
    case 'orders order.status_changed':
      return [
        {
          ...base,
          action: 'updated',
          entityType: 'order',
          entityId: String(data.id),
          entityLabel: data.number ?? null,
          changes: data.changes ?? { status: { before: data.from, after: data.to } },
        },
      ];
    default:
      return [];
  }
}

/** Wraps the catalog's publish so every catalog action is also recorded (after its events went out). */
export function publishWithActivity(publish: Publish, deps: Omit<ActivityDeps, 'publish'>): Publish {
  return async (input) => {
    const position = await publish(input);
    for (const activity of catalogEventActivity(input)) await recordActivity({ ...deps, publish }, activity);
    return position;
  };
}
