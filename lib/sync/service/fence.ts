import { z } from 'zod';
import type { Tx } from '../../db/create-db';
import { recordClientChangesOnce } from '../../db/queries/order-changes';
import type { ChangeResult } from '../types';
import type { SyncUser } from './context';

/**
 * What a pending client change id the client gave up at a reopen answers from then on. The client carried its
 * edit over under a new id, so the original, if it still arrives (sent to one node just before the client
 * reconnected to another), is refused instead of applied a second time.
 */
export function fencedResult(clientChangeId: string): ChangeResult {
  return {
    clientChangeId,
    status: 'rejected',
    code: 'STALE_VERSION',
    message: 'Given up at a reopen: its edit was carried over',
    details: { reason: 'reopened' },
  };
}

/** Whether a stored answer is that refusal (the edit was not applied; its client still has it to carry over). */
export function isFenced(result: unknown): boolean {
  return fencedSchema.safeParse(result).success;
}

const fencedSchema = z.object({
  status: z.literal('rejected'),
  details: z.object({ reason: z.literal('reopened') }),
});

/**
 * Stores that refusal for every pending id the server has not taken, in the transaction that holds the order's
 * row lock: a push of one of them commits only under that lock, and looks its id up there, so it either was in
 * the opened document (`taken`) or finds the refusal — never both carried over and applied.
 */
export async function fenceClientChanges(
  tx: Tx,
  user: SyncUser,
  entityId: string,
  pending: readonly string[],
  taken: readonly { clientChangeId: string }[],
) {
  const known = new Set(taken.map((row) => row.clientChangeId));
  const given = [...new Set(pending)].filter((id) => !known.has(id));
  await recordClientChangesOnce(
    tx,
    given.map((clientChangeId) => ({
      userId: user.id,
      clientChangeId,
      tenantId: user.tenantId,
      entityId,
      result: fencedResult(clientChangeId),
    })),
  );
}
