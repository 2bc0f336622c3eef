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

export type FieldChanges = Record<string, { before: unknown; after: unknown }>;

/** One feed entry as the `activity` channel and the list RPC carry it. */
export type ActivityView = {
  id: string;
  action: ActivityAction;
  entityType: ActivityEntityType;
  entityId: string;
  entityLabel: string | null;
  actor: { id: string | null; name: string };
  changes: FieldChanges | null;
  meta: Record<string, unknown> | null;
  at: number;
};

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
