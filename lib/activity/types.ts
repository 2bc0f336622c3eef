import { z } from 'zod';

/** Browser- and server-safe vocabulary of the activity feed. */
export const activityActions = [
  'created',
  'updated',
  'deleted',
  'viewed',
  'commented',
  'locked',
  'unlocked',
  'conflicted',
  'resolved',
] as const;
export type ActivityAction = (typeof activityActions)[number];

export const activityEntityTypes = ['order', 'product', 'customer', 'comment'] as const;
export type ActivityEntityType = (typeof activityEntityTypes)[number];

export const fieldChanges = z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }));
export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

/** One feed entry as the `activity` channel and the list RPC carry it. */
export const activityView = z.object({
  id: z.string(),
  action: z.enum(activityActions),
  entityType: z.enum(activityEntityTypes),
  entityId: z.string(),
  entityLabel: z.string().nullable(),
  actor: z.object({ id: z.string().nullable(), name: z.string() }),
  changes: fieldChanges.nullable(),
  meta: z.record(z.string(), z.unknown()).nullable(),
  at: z.number(),
});
export type ActivityView = z.infer<typeof activityView>;

/** One page of `activity.list`; `next` is the cursor of the page after it. */
export const activityPage = z.object({
  items: z.array(activityView),
  next: z.object({ at: z.number(), id: z.string() }).nullable(),
});
export type ActivityPage = z.infer<typeof activityPage>;

/** The event name on the tenant's `activity` channel. */
export const ACTIVITY_EVENT = 'activity';

export const activityListParams = z.object({
  actions: z.array(z.enum(activityActions)).max(activityActions.length).optional(),
  entityTypes: z.array(z.enum(activityEntityTypes)).max(activityEntityTypes.length).optional(),
  entityId: z.string().max(64).optional(),
  /** Cursor from the previous page. */
  before: z.object({ at: z.number().int().positive(), id: z.string().uuid() }).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});
export type ActivityListParams = z.infer<typeof activityListParams>;
