import { type TextOp, type as textType } from 'ot-text-unicode';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { defaultOrderPolicy } from '../policy';
import { diffToTextOp } from '../strategies/operational-transform';
import type { AppliedChange, ChangeOp, OrderDoc, SyncLine } from '../types';
import { alignYDoc, loadYDoc, toBase64 } from '../yjs-doc';
import {
  alignDeletions,
  basisWithTaken,
  carryLines,
  carryNotes,
  carryNotesOp,
  hunkedTextOp,
  replayTextOps,
  typedNotesOp,
} from './carry-over';
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

describe('carryNotesOp', () => {
  // Sent as a diff of the whole carried value, edits at two places became one replaced region (fuzz switching
  // seed 21): the op keeps them apart, on the current notes as on the notes nobody else changed.
  it.each([
    ['nobody else changed anything', 'A {m1} B {m2} C', '{a1} A {m1} B {m2} C {a2}', 'A {m1} B {m2} C'],
    ['a colleague typed between', 'A {m1} B {m2} C', '{a1} A {m1} B {m2} C {a2}', 'A {m1} B {n1} {m2} C'],
    ['Thai and emoji', 'ส่ง 👍🏽 ด่วน', 'ส่งของ 👍🏽 ด่วน 🙏', '🇹🇭 ส่ง 👍🏽👍🏽 ด่วน'],
  ])('%s: the hunks of the edit, never the text between', (_name, basis, intended, current) => {
    const op = carryNotesOp(basis, intended, current);
    expect(textType.apply(current, op)).toBe(carryNotes(basis, intended, current));
    expect(op.some((c) => typeof c === 'object')).toBe(false);
  });

  it('is empty when nothing is pending', () => {
    expect(carryNotesOp('abc', 'abc', 'abcX')).toEqual([]);
  });

  // Fuzz switching seed 7: a marker typed before another, carried by intent after a colleague set the notes.
  it.each([
    ['a colleague removed the marker before', '{n.2}{n.0}', 5, '{a.1}', '{n.0}', '{a.1}{n.0}'],
    ['a colleague removed the marker after', '{n.2}{n.0}', 5, '{a.1}', '{n.2}', '{n.2}{a.1}'],
    ['a colleague removed both', '{n.2}{n.0}', 5, '{a.1}', '', '{a.1}'],
    ['a colleague replaced one', '{n.4}{n.2}{n.0}{n.5}', 10, '{a.13}', '{n.3}{n.0}', '{n.3}{a.13}{n.0}'],
    ['Thai beside a marker', 'ส่ง{n.0}ด่วน{n.1}', 3, '{a.1}', 'ส่งด่วน{n.1}', 'ส่ง{a.1}ด่วน{n.1}'],
    // The diff kept "{c4." of "{c4.4}" as shared with "{c4.12}" and put the typing inside it ("{c4.x…12}").
    [
      'colleagues replaced both neighbours with markers that start alike',
      '{c4.4}{c4.2}{c4.0}',
      6,
      'xที่👩‍👍🏽👍💻{c2.8}x',
      '{c4.12}{c0.10}{c3.3}‍💻ที่{c1.6}call me\n{c1.13}{c0.14}{c4.0}{c3.11}{c1.7}x',
      '{c4.12}xที่👩‍👍🏽👍💻{c2.8}x{c0.10}{c3.3}‍💻ที่{c1.6}call me\n{c1.13}{c0.14}{c4.0}{c3.11}{c1.7}x',
    ],
    // The same carried at the switch, onto the notes an admin's resolution had set ("{c3.xที่…x3}" before).
    [
      'a colleague set the notes to a marker that starts alike',
      '{c4.4}{c4.2}{c4.0}',
      6,
      'xที่👩‍👍🏽👍💻{c2.8}x',
      '{c3.3}{c4.0}',
      '{c3.3}xที่👩‍👍🏽👍💻{c2.8}x{c4.0}',
    ],
  ])('%s: the typed edit goes in where it was typed', (_name, basis, at, piece, current, expected) => {
    const chars = Array.from(basis);
    const intended = chars.slice(0, at).join('') + piece + chars.slice(at).join('');
    const typed = diffToTextOp(basis, intended, at + Array.from(piece).length);
    expect(textType.apply(current, carryNotesOp(basis, intended, current, typed))).toBe(expected);
  });

  // The same seed on two nodes: the diff of "{c4.0}{c1.1}{c0.5}" to "{c4.2}{c4.0}" keeps "0}" of "{c1.0}"
  // as shared, next to what it deletes, and "{c1.7}" typed after "{c1.1}" went in as "{c4.0{c1.7}}".
  it('puts an insert that lost its neighbours beside what others changed back between the same characters', () => {
    const basis = '{c4.0}{c1.1}{c0.5}';
    const typed: TextOp = [6, '{c1.6}call me\n{c1.13}', 6, '{c1.7}'];
    const intended = textType.apply(basis, typed);
    const current = '{c4.2}{c4.0}';
    expect(textType.apply(current, carryNotesOp(basis, intended, current, typed))).toBe(
      '{c4.2}{c1.6}call me\n{c1.13}{c1.7}{c4.0}',
    );
  });

  // Seed 7 again, another timing: three places typed between markers an admin's resolution then replaced. The
  // diff of the values kept single "{", "c", "4." and "}" as shared and gave "{c1.6}{ccall me\n4.2}…{c4.0{c1.7}}".
  it('puts each insert where the text around it is most like what it was typed between', () => {
    const basis = '{c3.3}{c4.4}{c4.0}{c0.5}{c1.1}';
    const typed: TextOp = [6, '{c1.6}', 6, 'call me\n', 6, '{c1.12}{c1.7}'];
    const intended = textType.apply(basis, typed);
    const current = '{c4.2}ส่งนokกั้{c0.9}ñน{c4.0}';
    expect(textType.apply(current, carryNotesOp(basis, intended, current, typed))).toBe(
      '{c1.6}{c4.2}ส่งนokกั้{c0.9}ñนcall me\n{c4.0}{c1.12}{c1.7}',
    );
  });

  // Switching seed 176 again: where the transform put "{c0.18} ", a colleague had given the "น" it was typed after a
  // tone mark, and the carried text read "น{c0.18} ้ำ" (the mark alone after a space).
  it('does not put an insert inside a character others made of the letters it was typed between', () => {
    expect(carryNotes('ab นา cd', 'ab น{c0.18} า cd', 'ab น้ำ cd')).toBe('ab น้ำ{c0.18}  cd');
    expect(carryNotes('นา', 'นZา', 'น้ำ')).toBe('น้ำZ');
    // An emoji a colleague joined into one (woman + ZWJ + laptop) and a flag's pair are not split either.
    expect(carryNotes('a👩b', 'a👩Xb', 'a👩\u200D💻b')).toBe('a👩\u200D💻Xb');
    expect(carryNotes('a🇹b', 'a🇹Xb', 'a🇹🇭b')).toBe('a🇹🇭Xb');
    // The start, when the text around it is more like where it was typed.
    expect(carryNotes('ab-นา', 'ab-Xนา', 'ab-น้ำ')).toBe('ab-Xน้ำ');
  });

  it('leaves a mark the person typed onto a letter where it was typed', () => {
    expect(carryNotes('xนา yz', 'xน่า yz', 'xนา yQz')).toBe('xน่า yQz');
  });

  // Switching seed 176 (one node and two): typed offline under manual, carried to OT after a colleague's whole
  // values had replaced the text around "{c0.18} "; one shared "c" pulled it inside "{c0.4}" ("{c{c0.18} 0.4}").
  it('does not put an insert inside other text on one matching character', () => {
    const basis = '{c1.9}{c2.5}{c0.2}{c1.6}{c1.7}{c0.3}{c3.8}ที่้ำ{c0.4}𠀀กั้นc🇹🇭l me🇹🇭{c1.11}';
    const typed: TextOp = [
      24,
      'น้ำที่ครับ',
      30,
      { d: 2 },
      3,
      '{c0.18} ',
      3,
      '{c0.13}',
      2,
      'น้ำ{c0.17}',
      1,
      { d: 2 },
    ];
    const intended = textType.apply(basis, typed);
    const current = '{c1.9}{c2.5}{c0.2}{c1.14}{c1.6}{c1.7}{c0.3}{c3.8}ที่้ำ{c0.4}น้ำ🇭l me🇹🇭{c1.11}';
    const carried = textType.apply(current, carryNotesOp(basis, intended, current, typed));
    for (const marker of ['{c0.4}', '{c0.18}', '{c0.13}', '{c0.17}', '{c1.14}', '{c1.11}'])
      expect(carried.split(marker).length - 1, `${marker} once in ${carried}`).toBe(1);
  });

  it('diffs the value when the typed edit does not lead to it', () => {
    expect(textType.apply('ab', carryNotesOp('ab', 'aXb', 'ab', ['Y']))).toBe('aXb');
  });
});

describe('alignDeletions', () => {
  it.each([
    // "{c4.2}{c4.0}" -> "{c4.0}": "2}{c4." or "{c4.2}", whichever leaves the point at 6 outside.
    ['a deletion between copies moves to the point', '{c4.2}{c4.0}', [4, { d: 6 }], [6], [{ d: 6 }]],
    ['to its right as well', 'a}x}', [1, { d: 2 }], [2], [2, { d: 2 }]],
    ['a point it does not cut leaves it', '{c4.2}{c4.0}', [4, { d: 6 }], [2], [4, { d: 6 }]],
    ['a point it cannot avoid leaves it', 'abcd', [1, { d: 2 }], [2], [1, { d: 2 }]],
    ['a replacement stays', 'abab', [1, { d: 2 }, 'X'], [2], [1, { d: 2 }, 'X']],
  ] as const)('%s', (_name, basis, theirs, points, expected) => {
    const aligned = alignDeletions([...theirs], basis, [...points]);
    expect(aligned).toEqual(textType.normalize([...expected]));
    expect(textType.apply(basis, aligned)).toBe(textType.apply(basis, [...theirs]));
  });
});

describe('typedNotesOp', () => {
  const set = (id: string, madeFrom: string, value: string, typed?: LocalChange['typed']): LocalChange => ({
    key: 'notes',
    field: 'notes',
    throttleKey: 'notes',
    clientChangeId: id,
    op: { type: 'set', value },
    createdAt: 0,
    madeFrom,
    ...(typed === undefined ? {} : { typed }),
    sent: null,
  });
  it('composes the typed edits of whole values made one on the other', () => {
    const pending = [set('a', 'ab', 'aXb', [1, 'X']), set('b', 'aXb', 'aXbY', [3, 'Y'])];
    expect(textType.apply('ab', typedNotesOp(pending)!)).toBe('aXbY');
    expect(typedNotesOp(pending, new Set(['a']))).toEqual([3, 'Y']);
  });
  it.each([
    ['a value without its typed edit', [set('a', 'ab', 'aXb')]],
    [
      'a value not made on the one before',
      [set('a', 'ab', 'aXb', [1, 'X']), set('b', 'ab', 'abY', [2, 'Y'])],
    ],
    ['a typed edit that does not give the value', [set('a', 'ab', 'aXb', [2, 'X'])]],
    ['no notes edit', []],
  ])('is null for %s', (_name, pending) => {
    expect(typedNotesOp(pending)).toBeNull();
  });
});

describe('replayTextOps', () => {
  const change = (version: number, clientChangeId: string, op: ChangeOp, field = 'notes'): AppliedChange => ({
    version,
    clientChangeId,
    op,
    field,
    section: field === 'policy' ? 'policy' : 'notes',
    digest: null,
    strategy: 'operational-transform',
    outcome: 'commit',
    overwrote: null,
    undoOf: null,
    changeId: `c${version}`,
    at: 0,
    userId: 'u',
    userName: 'U',
  });
  const text = (from: string, to: string): ChangeOp => ({ type: 'text', op: hunkedTextOp(from, to) });
  // The reduced fuzz case (seed 2 under crdt, seed 1 under OT with the outbox): Anna typed around "{c0.0}"
  // offline while Napa typed into the notes before it. A character diff put "{c1.4}" inside Napa's "{c0.7}".
  it('keeps an offline insert after the text it was typed after, whatever a colleague typed before it', () => {
    // As typed: Anna at the start, then after "{c0.0}"; Napa at the start and at the end.
    const mine = [
      { clientChangeId: 'a1', op: ['{c1.5}{c1.3}'] },
      { clientChangeId: 'a2', op: [18, '{c1.4}'] },
    ];
    const theirs = '{c0.6}{c0.7}{c0.8}{c0.0} ok{c2.2}';
    const left = replayTextOps({
      basisNotes: '{c0.0}',
      basisVersion: 3,
      pending: mine,
      taken: new Set(),
      history: [change(4, 'n1', { type: 'text', op: ['{c0.6}{c0.7}{c0.8}', 6, ' ok{c2.2}'] })],
      toVersion: 4,
      currentNotes: theirs,
    });
    expect(left).not.toBeNull();
    expect(textType.apply(theirs, left!)).toBe('{c1.5}{c1.3}{c0.6}{c0.7}{c0.8}{c0.0}{c1.4} ok{c2.2}');
    // Carried by intent (no history), each insert goes back between the characters it was typed between: the
    // same. A character diff alone put "{c1.4}" inside "{c0.7}".
    expect(carryNotes('{c0.0}', '{c1.5}{c1.3}{c0.0}{c1.4}', theirs)).toBe(textType.apply(theirs, left!));
  });

  it('acknowledges the ops the server took and rebases the rest over what came after them', () => {
    const left = replayTextOps({
      basisNotes: 'ab',
      basisVersion: 1,
      pending: [
        { clientChangeId: 'a1', op: diffToTextOp('ab', 'aXb') },
        { clientChangeId: 'a2', op: diffToTextOp('aXb', 'aXbY') },
      ],
      taken: new Set(['a1']),
      history: [
        change(2, 'n1', text('ab', 'Zab')),
        change(3, 'lww', { type: 'set', value: 'x' }, 'status'),
        change(4, 'a1', text('Zab', 'ZaXb')),
        change(5, 'n2', text('ZaXb', 'ZaXb!')),
      ],
      toVersion: 5,
      currentNotes: 'ZaXb!',
    });
    expect(textType.apply('ZaXb!', left!)).toBe('ZaXbY!');
  });

  // Fuzz switching seed 32: offline under OT across a switch to crdt and back; one diff over everything since
  // put Zoë's marker inside a colleague's and cut others. Each step on its own: a whole value, Yjs updates read
  // through the state the switch brought, text ops.
  it('rebases over whole values and Yjs steps across switches, each as its own small diff', () => {
    const crdt = { ...defaultOrderPolicy, notes: 'crdt' as const };
    const server = loadYDoc(null);
    alignYDoc(server, { notes: '{a} ok {b}', lines: [] });
    const state = toBase64(Y.encodeStateAsUpdate(server));
    const typed = alignYDoc(server, { notes: '{a} ok {c2.6}{b}', lines: [] })!;
    const left = replayTextOps({
      basisNotes: '{a}',
      basisVersion: 1,
      pending: [{ clientChangeId: 'z1', op: [3, ' {c3.1}'] }],
      taken: new Set(),
      history: [
        change(2, 'n1', { type: 'set', value: '{a} ok {b}' }),
        change(
          3,
          'p1',
          { type: 'policy', policy: crdt, previous: defaultOrderPolicy, yjsState: state },
          'policy',
        ),
        change(4, 'n2', { type: 'yjs', update: toBase64(typed) }),
        change(
          5,
          'p2',
          { type: 'policy', policy: defaultOrderPolicy, previous: crdt, yjsState: null },
          'policy',
        ),
        change(6, 'n3', text('{a} ok {c2.6}{b}', '{c0.5}{a} ok {c2.6}{b}')),
      ],
      toVersion: 6,
      currentNotes: '{c0.5}{a} ok {c2.6}{b}',
    });
    expect(textType.apply('{c0.5}{a} ok {c2.6}{b}', left!)).toBe('{c0.5}{a} {c3.1} ok {c2.6}{b}');
    // One diff over everything since (the fallback) puts it elsewhere (after the colleagues' text).
    const carried = carryNotes('{a}', '{a} {c3.1}', '{c0.5}{a} ok {c2.6}{b}');
    expect(carried).not.toBe('{c0.5}{a} {c3.1} ok {c2.6}{b}');
  });

  it.each([
    ['a gap in the history', [change(3, 'n1', text('ab', 'abc'))], 3, 'abc'],
    [
      'a Yjs notes step with no state to read it through',
      [change(2, 'y', { type: 'yjs', update: '' })],
      2,
      'ab',
    ],
    ['history that does not lead to the reopened notes', [change(2, 'n1', text('ab', 'abc'))], 2, 'abd'],
    ['a taken op missing from the history', [change(2, 'n1', text('ab', 'abc'))], 2, 'abc'],
  ])('gives up (carried by intent instead) on %s', (_name, history, toVersion, currentNotes) => {
    expect(
      replayTextOps({
        basisNotes: 'ab',
        basisVersion: 1,
        pending: [{ clientChangeId: 'a1', op: diffToTextOp('ab', 'aXb') }],
        taken: new Set(_name.startsWith('a taken') ? ['a1'] : []),
        history,
        toVersion,
        currentNotes,
      }),
    ).toBeNull();
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
