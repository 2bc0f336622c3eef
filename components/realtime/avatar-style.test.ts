import { describe, expect, it } from 'vitest';
import { colorFor, initials, splitDisplay } from './avatar-style';

describe('initials', () => {
  it.each([
    ['Anna Carter', 'AC'],
    ['anna', 'A'],
    ['  Olivia   Brown  ', 'OB'],
    ['Mary Ann Lee', 'ML'],
    ['Émile Zola', 'ÉZ'],
    // Thai: first consonant of first and last name; the leading vowels ใ เ แ โ ไ are skipped.
    ['สมชาย ใจดี', 'สจ'],
    ['นภา ศรีสุข', 'นศ'],
    ['นภา', 'น'],
    ['ไพโรจน์ เก่งกาจ', 'พก'],
    ['แสงเดือน โพธิ์ทอง', 'สพ'],
    ['เอกชัย', 'อ'],
    ['โชติกา ใสสะอาด', 'ชส'],
    // A cluster with a vowel or tone mark above or below gives its consonant, not the mark.
    ['สุภาพร ที่ดี', 'สท'],
    // A stray combining mark at the start (bad data) is never the initial.
    ['\u0E48ก้อง', 'ก'],
    ['', '?'],
    ['   ', '?'],
  ])('%j -> %s', (name, expected) => {
    expect(initials(name)).toBe(expected);
  });
});

describe('colorFor', () => {
  it('is stable per user', () => {
    expect(colorFor('u-1')).toBe(colorFor('u-1'));
    expect(colorFor('u-1')).toMatch(/^bg-/);
  });
});

describe('splitDisplay', () => {
  it.each([
    [3, 5, 3, 0],
    [5, 5, 5, 0],
    [6, 5, 4, 2],
    [20, 5, 4, 16],
    [2, 0, 0, 2],
    [3, 1, 0, 3],
  ])('%i members with maxDisplay %i: %i shown, +%i', (count, max, shown, hidden) => {
    const result = splitDisplay(
      Array.from({ length: count }, (_, i) => i),
      max,
    );
    expect(result.shown).toHaveLength(shown);
    expect(result.hidden).toBe(hidden);
  });
});
