import type { TextOp } from 'ot-text-unicode';
import type { OrderPolicy } from './policy';

/** Browser- and server-safe vocabulary of the sync engine. */
export const strategyNames = [
  'last-write-wins',
  'operational-transform',
  'crdt',
  'lock-based',
  'manual',
] as const;
export type StrategyName = (typeof strategyNames)[number];

export const orderSections = ['customer', 'shipping', 'lines', 'notes', 'status'] as const;
export type OrderSection = (typeof orderSections)[number];

/** A section name from the wire (presence, leases, activity) is one of ours: the guard that replaces a cast. */
export const isOrderSection = (value: unknown): value is OrderSection =>
  typeof value === 'string' && (orderSections as readonly string[]).includes(value);

export const orderStatuses = ['draft', 'pending', 'confirmed', 'shipped', 'delivered', 'cancelled'] as const;
export type SyncOrderStatus = (typeof orderStatuses)[number];

export type Address = { line1: string; line2: string; city: string; postalCode: string; country: string };
export type SyncLine = { id: string; productId: string; quantity: number };

/** The part of an order the sync engine edits. Lines keep their order. */
export type OrderDoc = {
  status: SyncOrderStatus;
  customerId: string;
  shippingAddress: Address;
  notes: string;
  lines: SyncLine[];
};

/**
 * One change to one field. Fields: `status`, `customerId`, `shippingAddress`, `notes`, `lines` (add/remove),
 * `lines.<lineId>.quantity`. `yjs` carries a Yjs update for the crdt-governed sections (field `notes` or `lines`).
 */
export type ChangeOp =
  | { type: 'set'; value: unknown }
  | { type: 'text'; op: TextOp }
  | { type: 'yjs'; update: string }
  | { type: 'line.add'; line: SyncLine }
  | { type: 'line.remove'; lineId: string }
  /**
   * An admin's policy switch as it entered the order's history (field `policy`): from this version on, every
   * change is judged under `policy`. `yjsState` is the order's Yjs state at the switch when a section turned crdt.
   */
  | { type: 'policy'; policy: OrderPolicy; previous: OrderPolicy; yjsState: string | null };

/** An op a client may push (a policy switch is only ever made by the server). */
export type EditOp = Exclude<ChangeOp, { type: 'policy' }>;

export type Who = { userId: string; userName: string };

/** A change as recorded by the server at a version (what the room sees and what history keeps). */
export type AppliedChange = Who & {
  version: number;
  /** Digest of the synced state after this change (`digestOf`); null on rows older than digests. */
  digest: string | null;
  field: string;
  section: string;
  op: ChangeOp;
  clientChangeId: string;
  strategy: StrategyName;
  outcome: 'commit' | 'rebase';
  overwrote: OverwriteNotice | null;
  undoOf: string | null;
  changeId: string;
  at: number;
};

export type OverwriteNotice = Who & { version: number; at: number; field: string };
export type ConcurrentEditor = Who & { section: string; at: number };

export type LeaseView = Who & {
  key: string;
  section: string;
  acquiredAt: number;
  expiresAt: number;
  connectionId: string | null;
};

/** The server's answer to one pushed change. */
export type ChangeResult =
  | {
      clientChangeId: string;
      status: 'applied';
      version: number;
      outcome: 'commit' | 'rebase';
      overwrote: OverwriteNotice | null;
      concurrent: ConcurrentEditor[];
    }
  | {
      clientChangeId: string;
      status: 'conflict';
      conflictId: string;
      theirs: Who & { version: number; at: number };
      concurrent: ConcurrentEditor[];
    }
  | {
      clientChangeId: string;
      status: 'rejected';
      code: string;
      message: string;
      /** What the refusal is about, when the server says more (e.g. `{ reason: 'insufficient_stock', items }`). */
      details?: unknown;
    };

export function sectionOfField(field: string): OrderSection | null {
  if (field === 'status') return 'status';
  if (field === 'customerId') return 'customer';
  if (field === 'shippingAddress') return 'shipping';
  if (field === 'notes') return 'notes';
  if (field === 'lines' || /^lines\.[A-Za-z0-9_-]{1,64}\.quantity$/.test(field)) return 'lines';
  return null;
}

export function lineIdOfField(field: string): string | null {
  const match = /^lines\.([A-Za-z0-9_-]{1,64})\.quantity$/.exec(field);
  return match ? match[1]! : null;
}
