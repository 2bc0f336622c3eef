import { type as textType } from 'ot-text-unicode';
import { describe, expect, it } from 'vitest';
import type { OrderDoc, SyncLine } from '../types';
import { basisWithTaken, carryLines, carryNotes, hunkedTextOp } from './carry-over';
import type { LocalChange } from './local-changes';

describe('carryNotes', () => {
  it.each([
    ['nothing pending', 'abc', 'abc', 'abcX', 'abcX'],
    ['nobody else changed anything', 'abc', 'abXc', 'abc', 'abXc'],
    ['both typed at different ends', 'hello', 'hello world', 'Oh, hello', 'Oh, hello world'],
    ['Thai and emoji kept whole', 'ส่ง', 'ส่งด่วน 👍🏽', '🇹🇭 ส่ง', '🇹🇭 ส่งด่วน 👍🏽'],
    ['my deletion and their insertion', 'one two three', 'one three', 'one two three four', 'one three four'],
    // Found by the fuzz suite with a durable outbox: offline typing at two places, replayed after others typed
    // between them, repeated the text in between (each side's diff was one region).
    ['edits far apart on both sides', 'abc def ghi', 'aXbc def ghiY', 'abc dZef ghi', 'aXbc dZef ghiY'],
    ['markers typed apart', '{a}{b}{c}', '{a}{m1}{b}{c}{m2}', '{t}{a}{b}{t2}{c}', '{t}{a}{m1}{b}{t2}{c}{m2}'],
    [
      'Thai and emoji apart',
      'ส่ง 👍🏽 ด่วน',
      'ส่งของ 👍🏽 ด่วน 🙏',
      '🇹🇭 ส่ง 👍🏽👍🏽 ด่วน',
      '🇹🇭 ส่งของ 👍🏽👍🏽 ด่วน 🙏',
    ],
  ])('%s', (_name, basis, intended, current, expected) => {
    expect(carryNotes(basis, intended, current)).toBe(expected);
  });
});

describe('hunkedTextOp', () => {
  it('turns any text into any other, in hunks, whole code points', () => {
    const pairs: [string, string][] = [
      ['', ''],
      ['', 'abc'],
      ['abc', ''],
      ['kitten', 'sitting'],
      ['👩‍👩‍👧 ส่ง 🇹🇭', '🇹🇭 ส่งด่วน 👩‍👩‍👧'],
      ['a'.repeat(50), 'b'.repeat(50)],
    ];
    for (const [from, to] of pairs) expect(textType.apply(from, hunkedTextOp(from, to))).toBe(to);
    // Past the bound, one region: still correct.
    expect(textType.apply('abcdef', hunkedTextOp('abcdef', 'uvwxyz', 2))).toBe('uvwxyz');
    // Two separate hunks, not one region.
    expect(hunkedTextOp('abc def ghi', 'aXbc def ghiY')).toEqual([1, 'X', 10, 'Y']);
  });
});

const line = (id: string, quantity: number): SyncLine => ({ id, productId: `p-${id}`, quantity });

describe('carryLines', () => {
  it('adds, removes and changes quantities the person meant, on the current lines', () => {
    const basis = [line('a', 1), line('b', 2), line('c', 3)];
    const intended = [line('a', 5), line('c', 3), line('d', 1)];
    const current = [line('a', 1), line('b', 2), line('c', 4), line('e', 9)];
    expect(carryLines(basis, intended, current)).toEqual([
      { kind: 'remove', lineId: 'b' },
      { kind: 'quantity', lineId: 'a', quantity: 5 },
      { kind: 'add', line: line('d', 1) },
    ]);
  });

  it('does not bring back a line someone else removed, nor remove one twice', () => {
    const basis = [line('a', 1), line('b', 2)];
    const intended = [line('a', 3)];
    const current: SyncLine[] = [];
    expect(carryLines(basis, intended, current)).toEqual([]);
  });
});

describe('basisWithTaken', () => {
  const doc: OrderDoc = {
    status: 'draft',
    customerId: 'c',
    shippingAddress: { line1: '', line2: '', city: '', postalCode: '', country: 'TH' },
    notes: 'abc',
    lines: [],
  };
  const change = (id: string, op: LocalChange['op'], field = 'notes'): LocalChange => ({
    key: id,
    field,
    throttleKey: field,
    clientChangeId: id,
    op,
    createdAt: 0,
    sent: null,
  });

  it('applies the taken changes in order and stops text at the first one not taken', () => {
    const pending = [
      change('t1', { type: 'text', op: [3, 'X'] }),
      change('t2', { type: 'text', op: [4, 'Y'] }),
      change('s1', { type: 'set', value: 'pending' }, 'status'),
    ];
    expect(basisWithTaken(doc, pending, new Set(['t1', 's1']))).toMatchObject({
      notes: 'abcX',
      status: 'pending',
    });
    expect(basisWithTaken(doc, pending, new Set(['t2']))).toMatchObject({ notes: 'abc' });
  });
});
