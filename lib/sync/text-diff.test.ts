import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { textEdit } from './text-diff';
import { alignYDoc, loadYDoc, readYDoc } from './yjs-doc';

const corpus = [
  'a',
  'น้ำ',
  'ที่',
  'กั้น',
  '😀',
  '😁',
  '👍🏽',
  '🇹🇭',
  '🇯🇵',
  '👩‍💻',
  '👨‍👩‍👧',
  '𠀀',
  '𩸽',
  'é',
  'e\u0301',
  ' ',
];

/** A seeded generator (mulberry32), so a failure names the seed that replays it. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const wellFormed = (text: string) =>
  !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);

describe('textEdit', () => {
  it.each([
    ['an emoji typed right before another that shares its high surrogate', '😀', '😁😀'],
    ['an emoji typed right after another', '😀', '😀😁'],
    ['one emoji replaced by its neighbour', 'x😀y', 'x😁y'],
    ['a skin tone added', '👍', '👍🏽'],
    ['a flag typed before another', '🇹🇭', '🇯🇵🇹🇭'],
    ['a ZWJ sequence changed in the middle', '👩‍💻', '👩‍🔬'],
    ['a rare CJK character before another', '𩸽', '𠀀𩸽'],
    ['Thai with a tone mark added', 'นา', 'น้า'],
  ])('keeps surrogate pairs whole: %s', (_name, from, to) => {
    const edit = textEdit(from, to);
    expect(wellFormed(edit.insert)).toBe(true);
    expect(wellFormed(from.slice(edit.at, edit.at + edit.remove))).toBe(true);
    expect(from.slice(0, edit.at) + edit.insert + from.slice(edit.at + edit.remove)).toBe(to);
  });

  it('round-trips random Unicode edits through a Yjs update without a replacement character', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = random(seed);
      const pick = () => corpus[Math.floor(next() * corpus.length)]!;
      let from = '';
      for (let i = 0; i < 6; i++) from += pick();
      const chars = Array.from(from);
      const at = Math.floor(next() * (chars.length + 1));
      const cut = Math.floor(next() * 2);
      const to = [...chars.slice(0, at), pick(), ...chars.slice(at + cut)].join('');

      const mine = loadYDoc(null);
      alignYDoc(mine, { notes: from, lines: [] });
      const server = loadYDoc(Y.encodeStateAsUpdate(mine));
      const update = alignYDoc(mine, { notes: to, lines: [] });
      if (update) Y.applyUpdate(server, update);
      expect({ seed, notes: readYDoc(server).notes }).toEqual({ seed, notes: to });
      expect(readYDoc(mine).notes).toBe(to);
    }
  });
});
