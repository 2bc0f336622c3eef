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
    try {
      update = fromBase64(op.update);
      doc = loadYDoc(input.yjsState);
      Y.applyUpdate(doc, update);
    } catch {
      return reject('VALIDATION', 'Yjs update is not valid');
    }
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return { kind: 'commit', op, overwrote: null, yjsState: state };
  },
};
