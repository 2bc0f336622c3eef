import { type TextOp, type as textType } from 'ot-text-unicode';
import * as Y from 'yjs';
import { textEdits } from './text-diff';
import type { SyncLine } from './types';

/** The Yjs shape of an order: notes as Y.Text, lines as a Y.Array of Y.Map {id, productId, quantity}. */
export type CrdtValues = { notes: string; lines: SyncLine[] };

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function loadYDoc(state: Uint8Array | null): Y.Doc {
  const doc = new Y.Doc();
  if (state && state.length > 0) Y.applyUpdate(doc, state);
  return doc;
}

export function readYDoc(doc: Y.Doc): CrdtValues {
  const lines: SyncLine[] = [];
  for (const item of doc.getArray<Y.Map<unknown>>('lines').toArray()) {
    if (!(item instanceof Y.Map)) continue;
    const id = item.get('id');
    const productId = item.get('productId');
    const quantity = item.get('quantity');
    if (typeof id === 'string' && typeof productId === 'string' && typeof quantity === 'number') {
      lines.push({ id, productId, quantity });
    }
  }
  return { notes: doc.getText('notes').toString(), lines };
}

function lineMap(line: SyncLine): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  map.set('id', line.id);
  map.set('productId', line.productId);
  map.set('quantity', line.quantity);
  return map;
}

/**
 * Edits the document so it reads `target`, touching only what differs (used when a value changed outside the
 * crdt strategy, e.g. after a policy switch). Returns the update it produced, or null when nothing changed.
 * `options.caret` is where the person's caret is in the new notes (code points) when they typed them: see
 * `textEdits`.
 */
export function alignYDoc(
  doc: Y.Doc,
  target: CrdtValues,
  options: { caret?: number } = {},
): Uint8Array | null {
  return updateOf(doc, () => {
    const text = doc.getText('notes');
    const current = text.toString();
    if (current !== target.notes) {
      // Each place that changed on its own, right to left (the offsets are in the text before the edits).
      for (const edit of textEdits(current, target.notes, options).reverse()) {
        if (edit.remove > 0) text.delete(edit.at, edit.remove);
        if (edit.insert) text.insert(edit.at, edit.insert);
      }
    }
    const array = doc.getArray<Y.Map<unknown>>('lines');
    const wanted = new Map(target.lines.map((line) => [line.id, line]));
    for (let i = array.length - 1; i >= 0; i--) {
      const item = array.get(i);
      const id = item instanceof Y.Map ? item.get('id') : undefined;
      if (typeof id !== 'string' || !wanted.has(id)) array.delete(i, 1);
    }
    const present = new Map<string, Y.Map<unknown>>();
    for (const item of array.toArray()) present.set(item.get('id') as string, item);
    // A missing line goes in right after the target's previous line, so a restored line keeps its place.
    let after = -1;
    for (const line of target.lines) {
      const item = present.get(line.id);
      if (!item) {
        array.insert(after + 1, [lineMap(line)]);
        after += 1;
      } else {
        after = array.toArray().indexOf(item);
        if (item.get('productId') !== line.productId) item.set('productId', line.productId);
        if (item.get('quantity') !== line.quantity) item.set('quantity', line.quantity);
      }
    }
  });
}

/** The update `edit` makes to the document in one transaction, or null when it changed nothing. */
function updateOf(doc: Y.Doc, edit: () => void): Uint8Array | null {
  let update: Uint8Array | null = null;
  const capture = (u: Uint8Array) => {
    update = update ? Y.mergeUpdates([update, u]) : u;
  };
  doc.on('update', capture);
  try {
    doc.transact(edit);
  } finally {
    doc.off('update', capture);
  }
  return update;
}

/**
 * Applies a text op (code points, as OT notes edits count) to the notes as the edits it makes, each at its own
 * position: no diff of the whole value, which among equally small splits may put an insert inside the text it
 * sits beside ("{c1.5}" typed before "{c2.3}" going in as "1.5}{c" after "{c").
 */
export function applyTextOpToYText(text: Y.Text, op: TextOp): void {
  const points = Array.from(text.toString());
  let point = 0;
  let unit = 0;
  const units = (count: number) => {
    let n = 0;
    for (let i = 0; i < count; i++) n += points[point + i]?.length ?? 0;
    point += count;
    return n;
  };
  for (const component of op) {
    if (typeof component === 'number') unit += units(component);
    else if (typeof component === 'string') {
      text.insert(unit, component);
      unit += component.length;
    } else {
      const removed = units(typeof component.d === 'number' ? component.d : Array.from(component.d).length);
      text.delete(unit, removed);
    }
  }
}

/** Applies a text op to the document's notes at its positions (`applyTextOpToYText`); the update it made, or null. */
export function applyTextOpToYDoc(doc: Y.Doc, op: TextOp): Uint8Array | null {
  return updateOf(doc, () => applyTextOpToYText(doc.getText('notes'), op));
}

/**
 * The notes edit that Yjs updates make when applied in order to `state`, as one text op in code points, read
 * from Yjs' own account of each change (where its items went), never from a diff of the values. Null when an
 * update does not integrate fully into `state` (its earlier part is missing).
 */
export function notesOpOfUpdates(state: Uint8Array, updates: readonly Uint8Array[]): TextOp | null {
  const doc = loadYDoc(state);
  const text = doc.getText('notes');
  let before = text.toString();
  let op: TextOp = [];
  text.observe((event) => {
    const points = Array.from(before);
    let point = 0;
    const count = (utf16: number) => {
      let n = 0;
      for (let used = 0; used < utf16 && point < points.length; n++) used += points[point++]!.length;
      return n;
    };
    const step: TextOp = [];
    for (const part of event.delta) {
      if (typeof part.retain === 'number') step.push(count(part.retain));
      else if (typeof part.delete === 'number') step.push({ d: count(part.delete) });
      else if (typeof part.insert === 'string') step.push(part.insert);
    }
    op = textType.compose(op, textType.normalize(step));
    before = text.toString();
  });
  try {
    for (const update of updates) Y.applyUpdate(doc, update);
    return doc.store.pendingStructs === null && doc.store.pendingDs === null ? textType.normalize(op) : null;
  } finally {
    doc.destroy();
  }
}

export function pushYLine(doc: Y.Doc, line: SyncLine): void {
  doc.getArray<Y.Map<unknown>>('lines').push([lineMap(line)]);
}

export function setYLineQuantity(doc: Y.Doc, lineId: string, quantity: number): boolean {
  for (const item of doc.getArray<Y.Map<unknown>>('lines').toArray()) {
    if (item.get('id') === lineId) {
      item.set('quantity', quantity);
      return true;
    }
  }
  return false;
}

export function removeYLine(doc: Y.Doc, lineId: string): boolean {
  const array = doc.getArray<Y.Map<unknown>>('lines');
  for (let i = 0; i < array.length; i++) {
    if (array.get(i).get('id') === lineId) {
      array.delete(i, 1);
      return true;
    }
  }
  return false;
}
