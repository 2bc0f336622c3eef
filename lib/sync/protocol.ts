import { z } from 'zod';
import { orderPolicySchema } from './policy';
import { orderSections, orderStatuses, strategyNames } from './types';

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
  /** Admins: how many conflicts are open (the admin navigation's count). */
  'conflict.count': z.object({ entityType: z.literal('order').default('order') }),
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

// ---- what the room (`order:{id}`) and `admin` carry, and what the admin RPCs answer (parsed in the browser) ----

const who = z.object({ userId: z.string(), userName: z.string() });

export const leaseViewSchema = who.extend({
  key: z.string(),
  section: z.string(),
  acquiredAt: z.number(),
  expiresAt: z.number(),
  connectionId: z.string().nullable(),
});

/** `sync.lock` on the order room: a section's lease taken, renewed or released (`forcedBy` an admin). */
export const lockEventSchema = z.object({
  section: z.string(),
  lease: leaseViewSchema.nullable(),
  forcedBy: z.object({ id: z.string(), name: z.string() }).optional(),
});
export type LockEvent = z.infer<typeof lockEventSchema>;

/** `sync.lock` as the `admin` channel carries it (the order room's copy has no `entityId`). */
export const adminLockEventSchema = lockEventSchema.extend({ entityId: z.string() });

/** `sync.conflict` (order room and `admin`) and the items of `conflict.list`. */
export const conflictNoticeSchema = z.object({
  conflictId: z.string(),
  entityId: z.string(),
  field: z.string(),
  base: z.unknown().optional(),
  mine: z.unknown(),
  theirs: z.unknown(),
  mineBy: who.optional(),
  theirsBy: who,
  at: z.number(),
  /** The field's newer value when it changed after the conflict was raised (resolving replaces it). */
  current: z
    .object({
      value: z.unknown(),
      version: z.number(),
      userId: z.string(),
      userName: z.string(),
      at: z.number(),
      editors: z.array(who),
    })
    .nullable()
    .optional(),
});
export type ConflictNoticeView = z.infer<typeof conflictNoticeSchema>;

/** `sync.conflict.resolved`: the conflict and the people whose later edits the resolution replaced. */
export const conflictResolvedEventSchema = z.object({
  conflictId: z.string(),
  field: z.string(),
  overwrote: z.array(who).default([]),
});

export const conflictListAnswer = z.object({ items: z.array(conflictNoticeSchema) });
export const locksAnswer = z.object({
  items: z.array(leaseViewSchema.extend({ entityId: z.string(), number: z.string().nullable() })),
});
export const policyAnswer = z.object({ sections: orderPolicySchema });

// ---- what the sync RPCs answer and the room's `sync.change` carries (parsed by the sync client) ----

/** Ops as the server recorded them (ids of any shape: the server already checked what it took). */
const recordedOpSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('set'), value: z.unknown() }),
  z.object({ type: z.literal('text'), op: textOpSchema }),
  z.object({ type: z.literal('yjs'), update: z.string() }),
  z.object({
    type: z.literal('line.add'),
    line: z.object({ id: z.string(), productId: z.string(), quantity: z.number() }),
  }),
  z.object({ type: z.literal('line.remove'), lineId: z.string() }),
  z.object({
    type: z.literal('policy'),
    policy: orderPolicySchema,
    previous: orderPolicySchema,
    yjsState: z.string().nullable(),
  }),
]);

const overwriteNoticeSchema = who.extend({ version: z.number(), at: z.number(), field: z.string() });
const concurrentSchema = z.array(who.extend({ section: z.string(), at: z.number() }));

export const appliedChangeSchema = who.extend({
  version: z.number().int(),
  digest: z.string().nullable(),
  field: z.string(),
  section: z.string(),
  op: recordedOpSchema,
  clientChangeId: z.string(),
  strategy: z.enum(strategyNames),
  outcome: z.enum(['commit', 'rebase']),
  overwrote: overwriteNoticeSchema.nullable(),
  undoOf: z.string().nullable(),
  changeId: z.string(),
  at: z.number(),
});

/** A history page's entry: the change with its values (null for text and Yjs ops) and whether it can be undone. */
export const historyEntrySchema = appliedChangeSchema.extend({
  before: z.unknown(),
  after: z.unknown(),
  kind: z.string(),
  undoneBy: z.string().nullable(),
  undoable: z.boolean(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const changeResultSchema = z.discriminatedUnion('status', [
  z.object({
    clientChangeId: z.string(),
    status: z.literal('applied'),
    version: z.number().int(),
    outcome: z.enum(['commit', 'rebase']),
    overwrote: overwriteNoticeSchema.nullable(),
    concurrent: concurrentSchema,
  }),
  z.object({
    clientChangeId: z.string(),
    status: z.literal('conflict'),
    conflictId: z.string(),
    theirs: who.extend({ version: z.number(), at: z.number() }),
    concurrent: concurrentSchema,
  }),
  z.object({
    clientChangeId: z.string(),
    status: z.literal('rejected'),
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
]);

const docSchema = z.object({
  status: z.enum(orderStatuses),
  customerId: z.string(),
  shippingAddress: z.object({
    line1: z.string(),
    line2: z.string(),
    city: z.string(),
    postalCode: z.string(),
    country: z.string(),
  }),
  notes: z.string(),
  lines: z.array(z.object({ id: z.string(), productId: z.string(), quantity: z.number() })),
});

export const syncAnswers = {
  'sync.open': z.object({
    version: z.number().int(),
    doc: docSchema,
    policy: orderPolicySchema,
    locks: z.array(leaseViewSchema),
    yjsState: z.string().nullable(),
    conflicts: z.array(conflictNoticeSchema),
    digest: z.string().optional(),
    settled: z
      .array(z.object({ clientChangeId: z.string(), status: z.enum(['applied', 'conflict', 'rejected']) }))
      .optional(),
  }),
  'sync.push': z.object({
    results: z.array(changeResultSchema),
    changes: z.array(appliedChangeSchema),
    complete: z.boolean(),
  }),
  'sync.pull': z.object({
    version: z.number().int(),
    changes: z.array(appliedChangeSchema),
    complete: z.boolean(),
  }),
  'sync.history': z.object({ items: z.array(historyEntrySchema), nextBeforeVersion: z.number().nullable() }),
  'lock.acquire': z.object({ lease: leaseViewSchema }),
  'lock.renew': z.object({ lease: leaseViewSchema }),
  'conflict.list': conflictListAnswer,
  'conflict.count': z.object({ open: z.number().int().nonnegative() }),
} as const;

/** A refusal's details that name the section's holder (`LOCKED`). */
export const lockHolderDetails = z.object({ holder: leaseViewSchema });
