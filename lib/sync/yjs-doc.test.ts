import { type TextOp, type as textType } from 'ot-text-unicode';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyTextOpToYText, loadYDoc, notesOpOfUpdates, readYDoc } from './yjs-doc';

/** A document whose notes read `notes`, as its encoded state. */
function stateOf(notes: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('notes').insert(0, notes);
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

describe('text ops as Yjs edits and back', () => {
  // Code points in the op, UTF-16 in Yjs: emoji with skin tones, flags, ZWJ sequences, Thai, supplementary CJK.
  const cases: { notes: string; op: TextOp }[] = [
    { notes: 'ok {c2.3}', op: [3, '{c1.5}'] },
    { notes: '{c2.0}{c3.2}', op: ['{c1.6}{c1.11}{c1.3}', 6, '{c1.10}'] },
    { notes: '👍🏽🇹🇭 น้ำ 𩸽 👩‍💻 end', op: [2, '{a.1}', 2, { d: 3 }, 'ที่', 4, { d: 1 }, '😀'] },
    { notes: '𠀀𠀀𠀀', op: [1, { d: 1 }, '{x}'] },
  ];

  it.each(cases)('applies $op to $notes at its own positions, and reads it back', ({ notes, op }) => {
    const state = stateOf(notes);
    const doc = loadYDoc(state);
    let update: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => {
      update = u;
    });
    doc.transact(() => applyTextOpToYText(doc.getText('notes'), op));
    expect(readYDoc(doc).notes).toBe(textType.apply(notes, op));
    expect(update).not.toBeNull();
    expect(notesOpOfUpdates(state, [update!])).toEqual(textType.normalize(op));
    doc.destroy();
  });

  it('keeps an insert beside its neighbour where a diff of the value would cut into it', () => {
    // "{c1.5}" typed before "{c2.3}": a prefix/suffix diff puts "1.5}{c" after "{c"; deleting "{c2.3}" then
    // leaves "ok 1.5}{c". Applied at its own position it stays whole.
    const state = stateOf('ok {c2.3}');
    const mine = loadYDoc(state);
    const theirs = loadYDoc(state);
    applyTextOpToYText(mine.getText('notes'), [3, '{c1.5}']);
    theirs.getText('notes').delete(3, 6);
    Y.applyUpdate(mine, Y.encodeStateAsUpdate(theirs));
    expect(readYDoc(mine).notes).toBe('ok {c1.5}');
    mine.destroy();
    theirs.destroy();
  });

  it('reads no op from an update whose earlier part is missing', () => {
    const state = stateOf('ok');
    const doc = loadYDoc(state);
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    doc.getText('notes').insert(2, ' a');
    doc.getText('notes').insert(4, ' b');
    expect(notesOpOfUpdates(state, [updates[1]!])).toBeNull();
    expect(notesOpOfUpdates(state, updates)).toEqual([2, ' a b']);
    doc.destroy();
  });
});
