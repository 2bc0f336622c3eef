import type { TextOp } from 'ot-text-unicode';
import type { ErrorCode } from '../../realtime/protocol/codes';
import type { ChangeOp, OverwriteNotice, StrategyName, Who } from '../types';
import type { Lease } from './lease';

export type LastFieldChange = Who & { version: number; at: number };

/** Everything a strategy may look at; the service gathers it, the strategy does no I/O. */
export type StrategyInput = {
  field: string;
  change: Who & { op: ChangeOp; baseVersion: number; at: number };
  /** The field's value now. */
  current: unknown;
  /** The field's value at the change's base version (for a conflict's `base`). */
  baseValue: unknown;
  /** The last applied change to this field, if any. */
  lastChange: LastFieldChange | null;
  /** operational-transform: the field's ops applied after the base version, oldest first. */
  opsSince: TextOp[];
  /** crdt: the stored Yjs state of the entity. */
  yjsState: Uint8Array | null;
  /** lock-based: the lease on the field's section, if any, and the time to judge it by. */
  lease: Lease | null;
  now: number;
};

export type StrategyOutcome =
  | { kind: 'commit'; op: ChangeOp; overwrote: OverwriteNotice | null; yjsState?: Uint8Array }
  | { kind: 'rebase'; op: ChangeOp }
  | { kind: 'reject'; code: ErrorCode; message: string }
  | { kind: 'conflict'; base: unknown; mine: unknown; theirs: unknown; theirsBy: LastFieldChange };

export interface Strategy {
  readonly name: StrategyName;
  decide(input: StrategyInput): StrategyOutcome;
}

export function reject(code: ErrorCode, message: string): StrategyOutcome {
  return { kind: 'reject', code, message };
}

/** A write to the field by someone else landed after the change's base version. */
export function concurrentWith(input: StrategyInput): LastFieldChange | null {
  const last = input.lastChange;
  if (!last || last.version <= input.change.baseVersion || last.userId === input.change.userId) return null;
  return last;
}
