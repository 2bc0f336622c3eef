import * as Y from 'yjs';
import { fromBase64, loadYDoc } from '../yjs-doc';
import { reject, type Strategy } from './strategy';

/** Yjs updates merged into the entity's stored state; merging commutes, so arrival order does not matter. */
export const crdt: Strategy = {
  name: 'crdt',
  decide(input) {
    const { op } = input.change;
    if (op.type !== 'yjs') return reject('VALIDATION', 'crdt takes Yjs updates');
    let update: Uint8Array;
    let doc: Y.Doc;
    let gap: boolean;
    try {
      update = fromBase64(op.update);
      doc = loadYDoc(input.yjsState);
      const heldBefore = held(doc);
      Y.applyUpdate(doc, update);
      gap = !heldBefore && held(doc);
    } catch {
      return reject('VALIDATION', 'Yjs update is not valid');
    }
    if (gap) {
      // It builds on edits of the same person the server has not received: Yjs would keep it aside, unseen by
      // anyone. Refused untouched; the client carries the person's edits onto the current notes.
      doc.destroy();
      return reject('STALE_VERSION', 'The edit builds on edits that have not arrived: reopen');
    }
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return { kind: 'commit', op, overwrote: null, yjsState: state };
  },
};

/** Whether Yjs holds back structs or deletions whose dependencies it has not seen. */
function held(doc: Y.Doc): boolean {
  return doc.store.pendingStructs !== null || doc.store.pendingDs !== null;
}
