import { z } from 'zod';
import { type OrderPolicy, orderPolicySchema } from '../policy';
import { addressSchema, changeOpSchema, lineSchema, pushedChangeSchema, textOpSchema } from '../protocol';
import { type OrderDoc, orderStatuses } from '../types';
import type { LocalChange } from './local-changes';

/**
 * One tab's unacknowledged edits of one order, as much as a later page needs to replay them through the reopen
 * path (`sync.open` with `pending`, then the carry-over): the edits in order with their client change ids (the
 * server dedupes a retried id), the document and Yjs state they were made on, and what the person saw with them.
 */
export type OutboxRecord = {
  userId: string;
  entityId: string;
  /** The page (tab) that wrote it; a new page load is a new slot. */
  slot: string;
  savedAt: number;
  version: number;
  policy: OrderPolicy;
  /** The confirmed document the changes were made on (their basis). */
  confirmed: OrderDoc;
  /** The confirmed Yjs state (base64) when a section was crdt. */
  confirmedY: string | null;
  /** What the person saw: the basis with their changes (the intent the carry-over keeps). */
  intended: OrderDoc;
  changes: LocalChange[];
  /**
   * The product of each line a change names (`lines.<id>.…`), as the pages before saw it: a refusal of an edit
   * of a line someone removed still names its product after the outbox passed through a page whose document
   * never had the line.
   */
  lineProducts?: Record<string, string>;
};

/**
 * Where outboxes are kept: IndexedDB in the browser (`outbox-store-idb.ts`), a Map in Node tests. `save` and
 * `remove` take the slots a tab absorbed, removed in the same transaction, so a replayed outbox is never kept twice.
 */
export interface OutboxStore {
  /** Every saved outbox of this person on this order (one per page that left unsaved edits). */
  load(entityId: string, userId: string): Promise<OutboxRecord[]>;
  save(record: OutboxRecord, absorbed?: readonly string[]): Promise<void>;
  remove(entityId: string, userId: string, slots: readonly string[]): Promise<void>;
}

const orderDocSchema = z.object({
  status: z.enum(orderStatuses),
  customerId: z.string(),
  shippingAddress: addressSchema,
  notes: z.string(),
  lines: z.array(lineSchema),
});

const localChangeSchema = z.object({
  key: z.string(),
  field: z.string(),
  throttleKey: z.string(),
  clientChangeId: z.string().min(1).max(64),
  op: changeOpSchema,
  createdAt: z.number(),
  baseVersion: z.number().int().nonnegative().optional(),
  // What a whole value was made on: its intent runs from there when it has to be carried over (see LocalChange).
  madeFrom: z.unknown().optional(),
  // The typed edit of a whole notes value; one that does not read is left out (the value is then diffed).
  typed: textOpSchema.optional().catch(undefined),
  sent: pushedChangeSchema.nullable(),
});

/** Stored data is read back through this schema: a record of another shape (an older build) is not replayed. */
export const outboxRecordSchema = z.object({
  userId: z.string().min(1),
  entityId: z.string().min(1),
  slot: z.string().min(1),
  savedAt: z.number(),
  version: z.number().int().nonnegative(),
  policy: orderPolicySchema,
  confirmed: orderDocSchema,
  confirmedY: z.string().nullable(),
  intended: orderDocSchema,
  changes: z.array(localChangeSchema),
  lineProducts: z.record(z.string(), z.string()).optional(),
});

/** A stored value as a record, or null when it is not one (never replayed half-understood). */
export function parseOutboxRecord(value: unknown): OutboxRecord | null {
  const parsed = outboxRecordSchema.safeParse(value);
  if (!parsed.success) return null;
  const { changes, lineProducts, ...rest } = parsed.data;
  return {
    ...rest,
    ...(lineProducts === undefined ? {} : { lineProducts }),
    changes: changes.map(({ baseVersion, madeFrom, typed, ...change }) => ({
      ...change,
      ...(baseVersion === undefined ? {} : { baseVersion }),
      ...(madeFrom === undefined ? {} : { madeFrom }),
      ...(typed === undefined ? {} : { typed }),
    })),
  };
}

const keyOf = (entityId: string, userId: string, slot: string) => `${userId}\u0000${entityId}\u0000${slot}`;

/**
 * Outboxes in a Map: what Node tests and the fuzz suite use. A "reload" is a new manager given the same store;
 * values are copied through JSON both ways, as IndexedDB's structured clone would, so no live object is shared.
 */
export function createMemoryOutboxStore(): OutboxStore & { size(): number } {
  const records = new Map<string, string>();
  return {
    async load(entityId, userId) {
      const prefix = keyOf(entityId, userId, '');
      const out: OutboxRecord[] = [];
      for (const [key, json] of records) {
        if (!key.startsWith(prefix)) continue;
        const record = parseOutboxRecord(JSON.parse(json));
        if (record) out.push(record);
      }
      return out.sort((a, b) => a.savedAt - b.savedAt);
    },
    async save(record, absorbed = []) {
      for (const slot of absorbed) records.delete(keyOf(record.entityId, record.userId, slot));
      records.set(keyOf(record.entityId, record.userId, record.slot), JSON.stringify(record));
    },
    async remove(entityId, userId, slots) {
      for (const slot of slots) records.delete(keyOf(entityId, userId, slot));
    },
    size: () => records.size,
  };
}
