import { z } from 'zod';
import { orderPolicySchema } from './policy';
import { orderSections, orderStatuses } from './types';

/** Parameters of the sync RPC methods, validated where they enter the server (browser- and server-safe). */
const id = z.string().uuid();
const entity = { entityType: z.literal('order').default('order'), entityId: id };

export const textOpSchema = z
  .array(
    z.union([
      z.number().int().positive(),
      z.string().min(1),
      z.object({ d: z.union([z.number().int().positive(), z.string().min(1)]) }),
    ]),
  )
  .max(1000);

export const lineSchema = z.object({ id, productId: id, quantity: z.number().int().min(1).max(1_000_000) });

export const changeOpSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('set'), value: z.unknown() }),
  z.object({ type: z.literal('text'), op: textOpSchema }),
  z.object({ type: z.literal('yjs'), update: z.string().min(1).max(1_000_000) }),
  z.object({ type: z.literal('line.add'), line: lineSchema }),
  z.object({ type: z.literal('line.remove'), lineId: id }),
]);

export const pushedChangeSchema = z.object({
  clientChangeId: z.string().min(1).max(64),
  baseVersion: z.number().int().nonnegative(),
  field: z.string().min(1).max(100),
  op: changeOpSchema,
});
export type PushedChange = z.infer<typeof pushedChangeSchema>;

export const addressSchema = z
  .object({
    line1: z.string().max(200),
    line2: z.string().max(200),
    city: z.string().max(100),
    postalCode: z.string().max(20),
    country: z.string().max(2),
  })
  .strict();

/** The longest notes an order keeps, however they are edited (a whole value, text ops or Yjs updates). */
export const NOTES_MAX_LENGTH = 20_000;

/** What a `set` may carry per field. */
export const fieldValueSchemas = {
  status: z.enum(orderStatuses),
  customerId: id,
  shippingAddress: addressSchema,
  notes: z.string().max(NOTES_MAX_LENGTH),
  quantity: z.number().int().min(1).max(1_000_000),
} as const;

export const syncParams = {
  'sync.open': z.object({
    ...entity,
    /** Client change ids the client sent but never heard back about: the answer says which were taken. */
    pending: z.array(z.string().min(1).max(64)).max(200).optional(),
    /**
     * The client gives up the `pending` ids the server has not taken (it carries their edits over under new ids):
     * each is stored with a refusal, so a copy still on its way (to another node) is never applied after it.
     */
    fence: z.boolean().optional(),
  }),
  'sync.push': z.object({ ...entity, changes: z.array(pushedChangeSchema).min(1).max(50) }),
  'sync.pull': z.object({ ...entity, sinceVersion: z.number().int().nonnegative() }),
  /** A client found its replica differs from the server's digest at a version (it repairs itself; we count it). */
  'sync.diverged': z.object({
    ...entity,
    version: z.number().int().nonnegative(),
    digest: z.string().max(32),
  }),
  'sync.undo': z.object({ ...entity, changeId: id.optional() }),
  'sync.redo': z.object({ ...entity, changeId: id.optional() }),
  'sync.history': z.object({
    ...entity,
    field: z.string().max(100).optional(),
    section: z.enum(orderSections).optional(),
    userId: id.optional(),
    beforeVersion: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  'lock.acquire': z.object({ ...entity, section: z.enum(orderSections) }),
  'lock.renew': z.object({ ...entity, section: z.enum(orderSections) }),
  'lock.release': z.object({ ...entity, section: z.enum(orderSections) }),
  'lock.forceRelease': z.object({ ...entity, section: z.enum(orderSections) }),
  'conflict.list': z.object({
    entityType: z.literal('order').default('order'),
    entityId: id.optional(),
    status: z.enum(['open', 'resolved']).default('open'),
    limit: z.number().int().min(1).max(100).default(50),
  }),
  'conflict.resolve': z.object({
    conflictId: id,
    resolution: z.enum(['mine', 'theirs', 'merged']),
    value: z.unknown().optional(),
    /**
     * The version of the field's newest change the admin reviewed (the conflict's `current.version`), when the
     * field changed after the conflict was raised: the resolution then replaces that change, on the record.
     */
    reviewedVersion: z.number().int().positive().optional(),
  }),
  'policy.get': z.object({ entityType: z.literal('order').default('order') }),
  'policy.set': z.object({ entityType: z.literal('order').default('order'), sections: orderPolicySchema }),
} as const;

export type SyncMethod = keyof typeof syncParams;
export type SyncParams<M extends SyncMethod> = z.infer<(typeof syncParams)[M]>;

/** Events the service publishes on `order:{id}` (and conflicts also on `admin`). */
export const syncEvents = {
  change: 'sync.change',
  conflict: 'sync.conflict',
  conflictResolved: 'sync.conflict.resolved',
  lock: 'sync.lock',
  policy: 'sync.policy',
} as const;

/** `sync.lock` as the `admin` channel carries it (the order room's copy has no `entityId`). */
export const adminLockEventSchema = z.object({
  entityId: z.string(),
  section: z.string(),
  lease: z
    .object({
      key: z.string(),
      section: z.string(),
      userId: z.string(),
      userName: z.string(),
      acquiredAt: z.number(),
      expiresAt: z.number(),
      connectionId: z.string().nullable(),
    })
    .nullable(),
});
