import type { Tx } from '../../db/create-db';
import { insertEntityChange } from '../../db/queries/order-changes';
import { pinOrderPolicy, type SyncedOrder } from '../../db/queries/order-writes';
import { readEntityPolicyWithAuthor } from '../../db/queries/policies';
import type { EntityChangeRow } from '../../db/schema';
import { digestOf } from '../digest';
import { type OrderPolicy, orderPolicySchema, parsePolicy } from '../policy';
import { orderSections } from '../types';
import { toBase64 } from '../yjs-doc';
import { toDoc } from './order-entity';
import { ensureYjsState } from './yjs-state';

/** An order whose policy is settled for its current version. */
export type PinnedOrder = SyncedOrder & { policy: OrderPolicy };

export const storedPolicy = (raw: unknown): OrderPolicy | null => {
  const parsed = orderPolicySchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
};

/** The policy an order row is pinned to (the default for a row never pinned). */
export const policyOfOrder = (order: SyncedOrder): OrderPolicy =>
  storedPolicy(order.policy) ?? parsePolicy(null);

const samePolicy = (a: OrderPolicy, b: OrderPolicy) => orderSections.every((s) => a[s] === b[s]);

/**
 * Settles the policy an order is edited under, with its row locked. An admin's switch is not a node-local
 * setting: it waits on the order row (`next_policy`) and enters the order's history as a versioned change the
 * first time anything touches the order after it, so every node judges every change after that version under
 * the new policy and none before it. A client learns the switch at that version like any other change.
 */
export async function pinPolicy(
  tx: Tx,
  order: SyncedOrder,
  now: number,
  /** Named as the switch's author should the admin who made it be gone. */
  actor: { userId: string; userName: string },
): Promise<{ order: PinnedOrder; switched: EntityChangeRow | null }> {
  const current = storedPolicy(order.policy);
  const next = order.nextPolicy === null ? null : storedPolicy(order.nextPolicy);
  if (current && !next) return { order: { ...order, policy: current }, switched: null };
  const stored = await readEntityPolicyWithAuthor(tx, order.tenantId, 'order');
  const target = next ?? parsePolicy(stored?.sections ?? null);
  // Never opened or edited before: nobody holds it under another policy, so it simply takes the current one.
  if (!current || samePolicy(current, target)) {
    await pinOrderPolicy(tx, order.id, target);
    return { order: { ...order, policy: target, nextPolicy: null }, switched: null };
  }
  const version = order.version + 1;
  const doc = toDoc(order);
  const turnsCrdt = target.notes === 'crdt' || target.lines === 'crdt';
  const yjsState = turnsCrdt
    ? toBase64(
        (
          await ensureYjsState(
            tx,
            { entityType: 'order', entityId: order.id, tenantId: order.tenantId },
            doc,
            target,
          )
        ).state,
      )
    : null;
  await pinOrderPolicy(tx, order.id, target, version);
  const switched = await insertEntityChange(tx, {
    tenantId: order.tenantId,
    entityType: 'order',
    entityId: order.id,
    version,
    field: 'policy',
    section: 'policy',
    userId: stored?.userId ?? actor.userId,
    userName: stored?.userName ?? actor.userName,
    clientChangeId: `policy:${order.id}:${version}`,
    op: { type: 'policy', policy: target, previous: current, yjsState },
    inverse: null,
    before: current,
    after: target,
    strategy: target.notes,
    outcome: 'commit',
    overwrote: null,
    kind: 'policy',
    undoOf: null,
    digest: digestOf(doc),
    createdAt: new Date(now),
  });
  return { order: { ...order, policy: target, nextPolicy: null, version }, switched };
}
