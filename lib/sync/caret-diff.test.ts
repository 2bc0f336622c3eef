import { type TextOp, type as textType } from 'ot-text-unicode';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hunkedTextOp } from './hunked-diff';
import { diffToTextOp } from './strategies/operational-transform';
import { textEdits, toCodePoint } from './text-diff';
import { alignYDoc, loadYDoc, readYDoc } from './yjs-doc';

/**
 * A whole notes value diffed into an edit: when the typed text repeats its neighbour, several prefix/suffix
 * splits are equally small, and only the person's caret says which edit they made. Typing "{c0.1}" right before
 * "{c0.0}" went in as "1}{c0." after "{c0." (fuzz ot seed 24), and a colleague's concurrent deletion of
 * "{c0.0}" (or an undo of it) then left "1}{c0." behind.
 */
type Case = {
  name: string;
  /** The text before; `typed` goes in at `at` (UTF-16), replacing `remove` units. */
  before: string;
  at: number;
  remove?: number;
  typed: string;
};

const cases: Case[] = [
  { name: 'a marker before its copy', before: '{c0.0}', at: 0, typed: '{c0.1}' },
  { name: 'a marker between two others', before: 'x{c1.4}{c1.5}y', at: 7, typed: '{c1.6}' },
  { name: 'a letter doubled', before: 'aa', at: 0, typed: 'a' },
  { name: 'Thai word before the same word', before: 'ที่นี่', at: 0, typed: 'ที่' },
  { name: 'Thai with a tone mark before its copy', before: 'น้ำ ok', at: 0, typed: 'น้ำ' },
  { name: 'Thai combining vowel and tone twice', before: 'กั้นกั้น', at: 4, typed: 'กั้น' },
  { name: 'thumbs up before a thumbs up with a skin tone', before: '👍🏽', at: 0, typed: '👍' },
  { name: 'skin-toned emoji before its copy', before: 'ok 👍🏽', at: 3, typed: '👍🏽' },
  { name: 'ZWJ sequence before its copy', before: '👩‍💻', at: 0, typed: '👩‍💻' },
  { name: 'ZWJ family member before the family', before: '👨‍👩‍👧!', at: 0, typed: '👨' },
  { name: 'a flag before the same flag', before: '🇹🇭🇹🇭', at: 4, typed: '🇹🇭' },
  { name: 'supplementary-plane CJK', before: '𠀀𠀀', at: 2, typed: '𠀀' },
  { name: 'a deletion of the first of two copies', before: '{c0.1}{c0.0}', at: 0, remove: 6, typed: '' },
  { name: 'a Thai deletion of the first copy', before: 'ที่ที่', at: 0, remove: 3, typed: '' },
  { name: 'an emoji deletion of the first copy', before: '👍🏽👍🏽', at: 0, remove: 4, typed: '' },
];

function made(c: Case) {
  const remove = c.remove ?? 0;
  const after = c.before.slice(0, c.at) + c.typed + c.before.slice(c.at + remove);
  // As the editor gives it: the textarea's selectionEnd after the change, in code points.
  const caret = toCodePoint(after, c.at + c.typed.length);
  const at = toCodePoint(c.before, c.at);
  const removed = Array.from(c.before.slice(c.at, c.at + remove)).length;
  const intended: TextOp = textType.normalize([at, ...(removed ? [{ d: removed }] : []), c.typed]);
  return { after, caret, intended };
}

describe('diffs with the caret', () => {
  it.each(cases)('OT: $name goes in where it was typed', (c) => {
    const { after, caret, intended } = made(c);
    expect(diffToTextOp(c.before, after, caret)).toEqual(intended);
    expect(hunkedTextOp(c.before, after, undefined, { caret })).toEqual(intended);
    expect(textType.apply(c.before, diffToTextOp(c.before, after, caret))).toBe(after);
  });

  it.each(cases)('Yjs: $name goes in where it was typed', (c) => {
    const { after, caret } = made(c);
    const remove = c.remove ?? 0;
    expect(textEdits(c.before, after, { caret })).toEqual([{ at: c.at, remove, insert: c.typed }]);
  });

  it.each(cases.filter((c) => !c.remove))(
    'OT: $name survives a colleague deleting the text it was typed beside',
    (c) => {
      const { after, caret } = made(c);
      const mine = diffToTextOp(c.before, after, caret);
      const theirs = diffToTextOp(c.before, c.before.slice(0, c.at));
      const merged = textType.apply(
        textType.apply(c.before, theirs),
        textType.transform(mine, theirs, 'left'),
      );
      expect(merged).toBe(c.before.slice(0, c.at) + c.typed);
    },
  );

  it.each(cases.filter((c) => !c.remove))(
    'Yjs: $name survives a colleague deleting the text it was typed beside',
    (c) => {
      const { after, caret } = made(c);
      const server = loadYDoc(null);
      alignYDoc(server, { notes: c.before, lines: [] });
      const mine = loadYDoc(Y.encodeStateAsUpdate(server));
      const typed = alignYDoc(mine, { notes: after, lines: [] }, { caret })!;
      const deleted = alignYDoc(server, { notes: c.before.slice(0, c.at), lines: [] })!;
      Y.applyUpdate(server, typed);
      Y.applyUpdate(mine, deleted);
      expect(readYDoc(server).notes).toBe(c.before.slice(0, c.at) + c.typed);
      expect(readYDoc(mine).notes).toBe(readYDoc(server).notes);
    },
  );

  it.each([
    { name: 'past the end', before: 'abc', after: 'abXc', caret: 9 },
    { name: 'negative', before: 'abc', after: 'abXc', caret: -1 },
    { name: 'not whole', before: 'abc', after: 'abXc', caret: 1.5 },
    { name: 'where no smallest edit ends', before: 'abc', after: 'abXc', caret: 1 },
    { name: 'after the text that changed', before: '{c0.0}', after: '{c0.1}{c0.0}', caret: 12 },
    { name: 'inside a copy it cannot end in', before: 'ที่นี่', after: 'ที่ที่นี่', caret: 2 },
    { name: 'a replaced emoji', before: '😀 ok', after: '😁 ok', caret: 0 },
  ])('a caret $name is ignored: today’s diff', ({ before, after, caret }) => {
    expect(diffToTextOp(before, after, caret)).toEqual(diffToTextOp(before, after));
    expect(textEdits(before, after, { caret })).toEqual(textEdits(before, after));
    expect(textType.apply(before, diffToTextOp(before, after, caret))).toBe(after);
  });

  it('reads a UTF-16 caret as code points without splitting a pair', () => {
    expect(toCodePoint('a😀b', 0)).toBe(0);
    expect(toCodePoint('a😀b', 3)).toBe(2);
    expect(toCodePoint('a😀b', 2)).toBe(2);
    expect(toCodePoint('a😀b', 4)).toBe(3);
    expect(toCodePoint('a😀b', 99)).toBe(3);
    expect(toCodePoint('น้ำ👍🏽', 7)).toBe(5);
  });
});
