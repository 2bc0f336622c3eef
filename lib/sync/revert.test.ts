import { type as textType } from 'ot-text-unicode';
import { describe, expect, it } from 'vitest';
import { linesAsOneOp, revertLines, revertNotes } from './revert';
import { diffToTextOp } from './strategies/operational-transform';
import type { SyncLine } from './types';

const line = (id: string, quantity: number, productId = 'p'): SyncLine => ({ id, productId, quantity });

describe('revertNotes', () => {
  const steps = (...values: string[]) =>
    values.slice(1).map((after, i) => ({ op: null, before: values[i]!, after }));

  it.each([
    { name: 'nothing since', change: ['hello', 'hello world'], later: [], expected: 'hello' },
    {
      name: 'an insert before it',
      change: ['hello', 'hello world'],
      later: ['hello world', 'oh hello world'],
      expected: 'oh hello',
    },
    {
      name: 'an insert after it',
      change: ['hello', 'hello world'],
      later: ['hello world', 'hello world!'],
      expected: 'hello!',
    },
    {
      name: 'a delete of what it deleted is left alone',
      change: ['abc def', 'abc'],
      later: ['abc', 'abc', 'xabc'],
      expected: 'xabc def',
    },
    {
      name: 'its insert partly deleted since',
      change: ['ab', 'aXYZb'],
      later: ['aXYZb', 'aXb'],
      expected: 'ab',
    },
    {
      name: 'code points beyond the BMP',
      change: ['🙂 ok', '🙂 fine ok'],
      later: ['🙂 fine ok', '👍🙂 fine ok'],
      expected: '👍🙂 ok',
    },
  ])('reverts with $name', ({ change, later, expected }) => {
    const history = later.length ? steps(...later) : [];
    const current = later.at(-1) ?? change[1]!;
    const op = revertNotes({ before: change[0]!, after: change[1]! }, history, current);
    expect(textType.apply(current, op)).toBe(expected);
  });

  it('bridges history that does not chain (a value changed outside it)', () => {
    const op = revertNotes(
      { before: 'a', after: 'ab' },
      [{ op: null, before: 'Zab', after: 'Zab!' }],
      'Zab!?',
    );
    expect(textType.apply('Zab!?', op)).toBe('Za!?');
  });

  // Fuzz crdt seed 13 (two nodes): Anna's one crdt change typed {c0.9} near the start and deleted "👍🏽🇹" at the
  // end; colleagues then typed between. As one replaced region, its undo brought the region back as it was and
  // doubled every colleague's marker in it ({c1.2}, {c2.6}, {c0.7}).
  it('reverts a change of two far-apart places without bringing back what lies between', () => {
    const before = '{c2.0}{c2.1}👍🏽🇹🇭ที{c1.2}{c1.5}👍🏽🇹';
    const after = '{c2.0}{c0.9}{c2.1}👍🏽🇹🇭ที{c1.2}{c1.5}';
    const later = steps(after, '{c2.0}{c0.9}{c2.1}👍🏽🇹🇭ที{c0.7}{c1.2}{c2.6}{c1.5}');
    const current = later.at(-1)!.after;
    const op = revertNotes({ before, after }, later, current);
    expect(textType.apply(current, op)).toBe('{c2.0}{c2.1}👍🏽🇹🇭ที{c0.7}{c1.2}{c2.6}{c1.5}👍🏽🇹');
  });

  it('uses the stored inverse and later text ops when it has them', () => {
    const inverse = textType.normalize([1, { d: 1 }, 1, { d: 1 }]);
    const later = { op: diffToTextOp('axbx', 'axbx.'), before: 'axbx', after: 'axbx.' };
    const op = revertNotes({ before: 'ab', after: 'axbx', inverse }, [later], 'axbx.');
    expect(textType.apply('axbx.', op)).toBe('ab.');
  });
});

describe('revertLines', () => {
  it.each([
    {
      name: 'removes the line it added, keeping later edits elsewhere',
      before: [line('a', 1)],
      after: [line('a', 1), line('b', 2)],
      current: [line('a', 5), line('b', 2), line('c', 1)],
      expected: [line('a', 5), line('c', 1)],
    },
    {
      name: 'puts a removed line back after its old neighbour',
      before: [line('a', 1), line('b', 2), line('c', 3)],
      after: [line('a', 1), line('c', 3)],
      current: [line('x', 9), line('a', 1), line('c', 3)],
      expected: [line('x', 9), line('a', 1), line('b', 2), line('c', 3)],
    },
    {
      name: 'puts a removed first line back first',
      before: [line('a', 1), line('b', 2)],
      after: [line('b', 2)],
      current: [line('b', 4)],
      expected: [line('a', 1), line('b', 4)],
    },
    {
      name: 'puts a quantity back',
      before: [line('a', 1), line('b', 2)],
      after: [line('a', 7), line('b', 2)],
      current: [line('a', 7), line('b', 3)],
      expected: [line('a', 1), line('b', 3)],
    },
    {
      name: 'leaves a line someone else already removed',
      before: [line('a', 1)],
      after: [line('a', 1), line('b', 2)],
      current: [line('a', 1)],
      expected: [line('a', 1)],
    },
  ])('$name', ({ before, after, current, expected }) => {
    expect(revertLines({ before, after }, current)).toEqual({ ok: true, lines: expected });
  });

  it('refuses to put back a quantity someone changed since', () => {
    expect(revertLines({ before: [line('a', 1)], after: [line('a', 7)] }, [line('a', 8)])).toEqual({
      ok: false,
      lineId: 'a',
      reason: 'changed-since',
    });
  });
});

describe('linesAsOneOp', () => {
  it.each([
    { from: [line('a', 1)], to: [line('a', 1), line('b', 2)], op: { type: 'line.add', line: line('b', 2) } },
    { from: [line('a', 1), line('b', 2)], to: [line('a', 1)], op: { type: 'line.remove', lineId: 'b' } },
    { from: [line('a', 1)], to: [line('a', 3)], op: { type: 'set', value: 3 }, field: 'lines.a.quantity' },
  ])('one op: $op.type', ({ from, to, op, field }) => {
    expect(linesAsOneOp(from, to)).toEqual({ field: field ?? 'lines', op });
  });

  it('none when it takes more than one op', () => {
    expect(linesAsOneOp([line('a', 1)], [line('b', 1)])).toBeNull();
    expect(linesAsOneOp([line('a', 1)], [line('a', 1, 'q')])).toBeNull();
  });
});
