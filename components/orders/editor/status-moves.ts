import { z } from 'zod';
import { orderTransitions } from '@/lib/catalog/order-transitions';
import type { OrderPolicy } from '@/lib/sync/policy';
import type { LeaseView, SyncOrderStatus } from '@/lib/sync/types';

/** Why the status section cannot act right now (null: it can). */
export type StatusBlock =
  | { kind: 'viewer' }
  | { kind: 'connecting' }
  | { kind: 'offline' }
  | { kind: 'need-lock' }
  | { kind: 'locked-by'; name: string };

/** Why a transition was not applied, as the section explains it (collab `editor.status.errors.*`). */
export type StatusRefusal =
  | 'stock'
  | 'transition'
  | 'lockedBy'
  | 'needLock'
  | 'forbidden'
  | 'stale'
  | 'notFound'
  | 'offline'
  | 'failed';

export type StatusMoveOutcome =
  | { kind: 'applied' }
  /** Under the `manual` policy: queued for an admin next to the other person's change. */
  | { kind: 'conflict'; name: string }
  | { kind: 'refused'; reason: StatusRefusal; name?: string; shortage?: StockShortage };

/** The first product an order lacks stock of, from the refusal's details (`insufficient_stock`). */
export type StockShortage = { productId: string; requested: number; available: number };

const shortageDetails = z.object({
  items: z
    .tuple([z.object({ productId: z.string(), requested: z.number(), available: z.number() })])
    .rest(z.unknown()),
});

function shortageOf(details: unknown): StockShortage | undefined {
  const first = shortageDetails.safeParse(details).data?.items[0];
  return first
    ? { productId: first.productId, requested: first.requested, available: Math.max(0, first.available) }
    : undefined;
}

/** The statuses the current one may move to, in the order the buttons show them (cancel last). */
export function nextStatuses(status: SyncOrderStatus): readonly SyncOrderStatus[] {
  return orderTransitions[status];
}

/**
 * Whether this person may press a transition now: viewers never; nobody before the order is open and connected;
 * under `lock-based` only the holder of the status lock (the section's Edit button takes it).
 */
export function statusBlock(input: {
  staff: boolean;
  ready: boolean;
  connected: boolean;
  policy: OrderPolicy;
  lease: LeaseView | null;
  mine: boolean;
}): StatusBlock | null {
  if (!input.staff) return { kind: 'viewer' };
  if (!input.ready) return { kind: 'connecting' };
  if (!input.connected) return { kind: 'offline' };
  if (input.policy.status !== 'lock-based' || input.mine) return null;
  return input.lease ? { kind: 'locked-by', name: input.lease.userName } : { kind: 'need-lock' };
}

/** The answer to `sync.push` as the editor's `pushDraft` returns it (one change: the status). */
export type StatusPushReply =
  | {
      ok: true;
      result: {
        results: readonly {
          status: string;
          code?: string;
          details?: unknown;
          theirs?: { userName: string };
        }[];
      };
    }
  | { ok: false; error: { code: string; details?: unknown } };

function refusal(code: string | undefined, holder: string | null, details?: unknown): StatusMoveOutcome {
  switch (code) {
    // The service refuses a transition that would oversell with CONFLICT (lib/sync/service/order-entity.ts).
    case 'CONFLICT': {
      const shortage = shortageOf(details);
      return shortage ? { kind: 'refused', reason: 'stock', shortage } : { kind: 'refused', reason: 'stock' };
    }
    case 'VALIDATION':
      return { kind: 'refused', reason: 'transition' };
    case 'LOCKED':
      return holder
        ? { kind: 'refused', reason: 'lockedBy', name: holder }
        : { kind: 'refused', reason: 'needLock' };
    case 'FORBIDDEN':
      return { kind: 'refused', reason: 'forbidden' };
    case 'STALE_VERSION':
      return { kind: 'refused', reason: 'stale' };
    case 'NOT_FOUND':
      return { kind: 'refused', reason: 'notFound' };
    case 'UNAVAILABLE':
      return { kind: 'refused', reason: 'offline' };
    default:
      return { kind: 'refused', reason: 'failed' };
  }
}

/**
 * What one status push came to. `holder` is who else holds the status lock now (null: nobody, or me), so a LOCKED
 * answer says either "wait for Anna" or "take the lock again".
 */
export function statusMoveOutcome(reply: StatusPushReply, holder: string | null): StatusMoveOutcome {
  if (!reply.ok) return refusal(reply.error.code, holder, reply.error.details);
  const result = reply.result.results[0];
  if (result?.status === 'applied') return { kind: 'applied' };
  if (result?.status === 'conflict') return { kind: 'conflict', name: result.theirs?.userName ?? '' };
  return refusal(result?.code, holder, result?.details);
}
