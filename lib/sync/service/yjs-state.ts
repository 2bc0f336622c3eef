import * as Y from 'yjs';
import type { Tx } from '../../db/create-db';
import { readYjsState, writeYjsState } from '../../db/queries/order-changes';
import type { OrderPolicy } from '../policy';
import type { OrderDoc } from '../types';
import { alignYDoc, fromBase64, loadYDoc, readYDoc, toBase64 } from '../yjs-doc';

/**
 * The entity's Yjs state, aligned with the stored values of the sections the crdt strategy governs (they may have
 * changed under another strategy before a policy switch). Returns the state and the alignment update, if any.
 */
export async function ensureYjsState(
  tx: Tx,
  ref: { entityType: string; entityId: string; tenantId: string },
  doc: OrderDoc,
  policy: OrderPolicy,
): Promise<{ state: Uint8Array; alignment: Uint8Array | null }> {
  const stored = await readYjsState(tx, ref.tenantId, ref.entityId);
  const ydoc = loadYDoc(stored ? fromBase64(stored) : null);
  const values = readYDoc(ydoc);
  const target = {
    notes: policy.notes === 'crdt' ? doc.notes : values.notes,
    lines: policy.lines === 'crdt' ? doc.lines : values.lines,
  };
  const alignment =
    stored === null ? alignYDoc(ydoc, { notes: doc.notes, lines: doc.lines }) : alignYDoc(ydoc, target);
  const state = Y.encodeStateAsUpdate(ydoc);
  ydoc.destroy();
  if (alignment || stored === null) await writeYjsState(tx, { ...ref, state: toBase64(state) });
  return { state, alignment };
}
