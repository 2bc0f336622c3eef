import { type TextOp, type as textType } from 'ot-text-unicode';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fromBase64, loadYDoc, readYDoc, toBase64 } from '../yjs-doc';
import { detectConcurrentEdits } from './concurrent-edit';
import { crdt } from './crdt';
import { lastWriteWins } from './last-write-wins';
import { acquireLease, type Lease, releaseLease, renewLease } from './lease';
import { lockBased } from './lock-based';
import { manual } from './manual';
import {
  caretAfterOp,
  diffToTextOp,
  operationalTransform,
  rebasePending,
  transformCaret,
  transformRange,
} from './operational-transform';
import type { StrategyInput } from './strategy';

const anna = { userId: 'anna', userName: 'Anna' };
const napa = { userId: 'napa', userName: 'Napa' };

function input(partial: Partial<StrategyInput> & Pick<StrategyInput, 'change'>): StrategyInput {
  return {
    field: 'status',
    current: 'draft',
    baseValue: 'draft',
    lastChange: null,
    opsSince: [],
    yjsState: null,
    lease: null,
    now: 1000,
    ...partial,
  };
}

const set = (who: typeof anna, value: unknown, baseVersion: number) => ({
  ...who,
  op: { type: 'set' as const, value },
  baseVersion,
  at: 1000,
});

describe('last-write-wins', () => {
  it.each([
    { name: 'no earlier change', last: null, base: 3, overwrote: null },
    {
      name: 'someone changed it after my base',
      last: { ...napa, version: 5, at: 900 },
      base: 3,
      overwrote: 'napa',
    },
    { name: 'their change is in my base', last: { ...napa, version: 3, at: 900 }, base: 3, overwrote: null },
    { name: 'my own later change', last: { ...anna, version: 5, at: 900 }, base: 3, overwrote: null },
  ])('$name', ({ last, base, overwrote }) => {
    const outcome = lastWriteWins.decide(input({ change: set(anna, 'pending', base), lastChange: last }));
    expect(outcome.kind).toBe('commit');
    expect(outcome.kind === 'commit' && outcome.overwrote?.userId).toBe(overwrote ?? undefined);
  });
  it('refuses text ops', () => {
    const outcome = lastWriteWins.decide(
      input({ change: { ...anna, op: { type: 'text', op: ['x'] }, baseVersion: 1, at: 1 } }),
    );
    expect(outcome).toMatchObject({ kind: 'reject', code: 'VALIDATION' });
  });
});

describe('manual', () => {
  it.each([
    { name: 'no concurrent change', last: null, value: 'B', expected: 'commit' },
    {
      name: 'concurrent change by someone else',
      last: { ...napa, version: 5, at: 900 },
      value: 'B',
      expected: 'conflict',
    },
    {
      name: 'concurrent change to the same value',
      last: { ...napa, version: 5, at: 900 },
      value: 'T',
      expected: 'commit',
    },
    { name: 'my own earlier change', last: { ...anna, version: 5, at: 900 }, value: 'B', expected: 'commit' },
  ])('$name -> $expected', ({ last, value, expected }) => {
    const outcome = manual.decide(
      input({
        field: 'shippingAddress',
        current: 'T',
        baseValue: 'O',
        change: set(anna, value, 3),
        lastChange: last,
      }),
    );
    expect(outcome.kind).toBe(expected);
    if (outcome.kind === 'conflict') {
      expect(outcome).toMatchObject({
        base: 'O',
        mine: 'B',
        theirs: 'T',
        theirsBy: { userId: 'napa', version: 5 },
      });
    }
  });
});

describe('lock-based', () => {
  const lease = (who: typeof anna, expiresAt: number): Lease => ({
    ...who,
    key: 'k',
    section: 'status',
    token: 't',
    connectionId: null,
    acquiredAt: 0,
    expiresAt,
  });
  it.each([
    { name: 'no lease', lease: null, expected: 'reject' },
    { name: 'my live lease', lease: lease(anna, 2000), expected: 'commit' },
    { name: 'my expired lease', lease: lease(anna, 1000), expected: 'reject' },
    { name: 'their live lease', lease: lease(napa, 2000), expected: 'reject' },
  ])('$name -> $expected', ({ lease: l, expected }) => {
    const outcome = lockBased.decide(input({ change: set(anna, 'pending', 1), lease: l }));
    expect(outcome.kind).toBe(expected);
    if (outcome.kind === 'reject') expect(outcome.code).toBe('LOCKED');
  });
  it.each([
    { name: 'a colleague wrote after my base', last: { ...napa, version: 4, at: 900 }, expected: 'reject' },
    { name: 'I wrote after my base myself', last: { ...anna, version: 4, at: 900 }, expected: 'commit' },
    { name: 'nobody wrote after my base', last: { ...napa, version: 1, at: 500 }, expected: 'commit' },
  ])('holding the lease, $name -> $expected', ({ last, expected }) => {
    const outcome = lockBased.decide(
      input({ change: set(anna, 'pending', 1), lease: lease(anna, 2000), lastChange: last }),
    );
    expect(outcome.kind).toBe(expected);
    if (outcome.kind === 'reject') expect(outcome.code).toBe('STALE_VERSION');
  });
  it('models leases: acquire, refuse, renew, release, expire', () => {
    const request = { ...anna, key: 'k', section: 'status', token: 'a', connectionId: null };
    const first = acquireLease(null, request, 0, 100);
    expect(first.ok).toBe(true);
    const held = first.ok ? first.lease : null;
    expect(acquireLease(held, { ...request, ...napa, token: 'n' }, 50, 100)).toMatchObject({
      ok: false,
      holder: anna,
    });
    expect(renewLease(held, 'a', 90, 100)?.expiresAt).toBe(190);
    expect(renewLease(held, 'wrong', 90, 100)).toBeNull();
    expect(releaseLease(held, 'wrong', 50)).toBe(false);
    expect(releaseLease(held, 'a', 50)).toBe(true);
    expect(acquireLease(held, { ...request, ...napa, token: 'n' }, 100, 100)).toMatchObject({
      ok: true,
      lease: napa,
    });
  });
});

describe('operational-transform', () => {
  const doc = 'hello world';
  it.each<{ name: string; op: TextOp; since: TextOp[]; expected: string; kind: string }>([
    { name: 'no concurrent ops', op: [5, '!'], since: [], expected: 'hello! world', kind: 'commit' },
    {
      name: 'insert before mine',
      op: [5, '!'],
      since: [['>> ']],
      expected: '>> hello! world',
      kind: 'rebase',
    },
    {
      name: 'same position: the later op goes left',
      op: [5, '!'],
      since: [[5, '?']],
      expected: 'hello!? world',
      kind: 'rebase',
    },
    {
      name: 'my range deleted',
      op: [6, { d: 5 }, 'there'],
      since: [[6, { d: 5 }]],
      expected: 'hello there',
      kind: 'rebase',
    },
  ])('$name', ({ op, since, expected, kind }) => {
    let server = doc;
    for (const o of since) server = textType.apply(server, o);
    const outcome = operationalTransform.decide(
      input({
        field: 'notes',
        current: server,
        change: { ...anna, op: { type: 'text', op }, baseVersion: 1, at: 1 },
        opsSince: since,
      }),
    );
    expect(outcome.kind).toBe(kind);
    if (outcome.kind === 'commit' || outcome.kind === 'rebase') {
      expect(outcome.op.type === 'text' && textType.apply(server, outcome.op.op)).toBe(expected);
    }
  });
  it('rejects an op that does not fit', () => {
    const outcome = operationalTransform.decide(
      input({
        field: 'notes',
        current: 'ab',
        change: { ...anna, op: { type: 'text', op: [10, 'x'] }, baseVersion: 1, at: 1 },
      }),
    );
    expect(outcome).toMatchObject({ kind: 'reject' });
  });
  it('client rebase converges with the server transform', () => {
    const base = 'abcdef';
    const pending: TextOp[] = [
      [1, 'X'],
      [3, { d: 2 }],
    ];
    const remote: TextOp = [2, 'Y', 2, { d: 1 }];
    const rebased = rebasePending(pending, remote);
    let client = base;
    for (const p of pending) client = textType.apply(client, p);
    client = textType.apply(client, rebased.remote);
    let server = textType.apply(base, remote);
    for (const p of rebased.pending) server = textType.apply(server, p);
    expect(client).toBe(server);
  });
  it.each([
    { name: 'caret after an insert before it', caret: 5, op: ['ab'] as TextOp, expected: 7 },
    { name: 'caret inside a deletion', caret: 5, op: [3, { d: 4 }] as TextOp, expected: 3 },
    { name: 'caret before an edit', caret: 1, op: [3, 'x'] as TextOp, expected: 1 },
  ])('$name', ({ caret, op, expected }) => expect(transformCaret(caret, op)).toBe(expected));
  it('moves and collapses comment ranges', () => {
    expect(transformRange({ start: 4, end: 8 }, ['12'])).toEqual({ start: 6, end: 10 });
    expect(transformRange({ start: 4, end: 8 }, [2, { d: 10 }])).toEqual({ start: 2, end: 2 });
  });
  it.each([
    ['', 'abc'],
    ['abc', ''],
    ['hello world', 'hello brave world'],
    ['สวัสดี', 'สวัสดีครับ'],
    ['a😀b', 'a😀😀b'],
  ])('diffs %j to %j', (from, to) => expect(textType.apply(from, diffToTextOp(from, to))).toBe(to));
});

describe('crdt', () => {
  it('merges concurrent updates in any order to the same state', () => {
    const origin = new Y.Doc();
    origin.getText('notes').insert(0, 'base');
    const state = Y.encodeStateAsUpdate(origin);
    const a = loadYDoc(state);
    const b = loadYDoc(state);
    a.getText('notes').insert(0, 'A');
    b.getText('notes').insert(4, 'B');
    const ua = toBase64(Y.encodeStateAsUpdate(a, Y.encodeStateVector(origin)));
    const ub = toBase64(Y.encodeStateAsUpdate(b, Y.encodeStateVector(origin)));
    const apply = (first: string, second: string) => {
      const one = crdt.decide(
        input({
          field: 'notes',
          yjsState: state,
          change: { ...anna, op: { type: 'yjs', update: first }, baseVersion: 1, at: 1 },
        }),
      );
      if (one.kind !== 'commit' || !one.yjsState) throw new Error('expected commit');
      const two = crdt.decide(
        input({
          field: 'notes',
          yjsState: one.yjsState,
          change: { ...napa, op: { type: 'yjs', update: second }, baseVersion: 1, at: 1 },
        }),
      );
      if (two.kind !== 'commit' || !two.yjsState) throw new Error('expected commit');
      return readYDoc(loadYDoc(two.yjsState)).notes;
    };
    expect(apply(ua, ub)).toBe('AbaseB');
    expect(apply(ub, ua)).toBe('AbaseB');
  });
  it('refuses an update that builds on edits the server has not received (Yjs would hold it back unseen)', () => {
    const origin = new Y.Doc();
    const state = Y.encodeStateAsUpdate(origin);
    const person = loadYDoc(state);
    const updates: Uint8Array[] = [];
    person.on('update', (update: Uint8Array) => updates.push(update));
    person.getText('notes').insert(0, 'A');
    person.getArray('lines').push(['line']);
    person.getText('notes').insert(1, 'B');
    const decide = (update: Uint8Array) =>
      crdt.decide(
        input({
          field: 'notes',
          yjsState: state,
          change: { ...anna, op: { type: 'yjs', update: toBase64(update) }, baseVersion: 1, at: 1 },
        }),
      );
    expect(decide(updates[2]!)).toMatchObject({ kind: 'reject', code: 'STALE_VERSION' });
    expect(decide(Y.mergeUpdates([updates[0]!, updates[2]!]))).toMatchObject({ kind: 'reject' });
    expect(decide(Y.mergeUpdates(updates)).kind).toBe('commit');
  });
  it('rejects garbage and non-Yjs ops', () => {
    expect(
      crdt.decide(
        input({
          change: {
            ...anna,
            op: { type: 'yjs', update: toBase64(new Uint8Array([255, 1, 2])) },
            baseVersion: 1,
            at: 1,
          },
        }),
      ).kind,
    ).toBe('reject');
    expect(crdt.decide(input({ change: set(anna, 'x', 1) })).kind).toBe('reject');
    expect(fromBase64(toBase64(new Uint8Array([1, 2, 3])))).toEqual(new Uint8Array([1, 2, 3]));
  });
});

describe('concurrent-edit detector', () => {
  const recent = [
    { ...napa, section: 'notes', at: 10_000 },
    { ...napa, section: 'notes', at: 12_000 },
    { userId: 'kim', userName: 'Kim', section: 'lines', at: 12_000 },
    { ...anna, section: 'notes', at: 12_500 },
  ];
  it.each([
    {
      name: 'same section within 5 s',
      edit: { userId: 'anna', section: 'notes', at: 14_000 },
      expected: ['napa'],
    },
    { name: 'after the window', edit: { userId: 'anna', section: 'notes', at: 17_500 }, expected: [] },
    { name: 'another section', edit: { userId: 'anna', section: 'status', at: 12_000 }, expected: [] },
    {
      name: 'my own edits do not count',
      edit: { userId: 'napa', section: 'notes', at: 12_600 },
      expected: ['anna'],
    },
  ])('$name', ({ edit, expected }) => {
    expect(detectConcurrentEdits(recent, edit).map((e) => e.userId)).toEqual(expected);
  });
});

describe('caretAfterOp', () => {
  it.each([
    [[5, 'abc'], 8],
    [['นภา'], 3],
    [[3, { d: 2 }], 3],
    [[2, 'x', 4, 'yz'], 9],
    [[7], null],
  ])('%j leaves the author at %s', (op, expected) => {
    expect(caretAfterOp(op as never)).toBe(expected);
  });
});
