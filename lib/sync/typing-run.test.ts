import { describe, expect, it } from 'vitest';
import { continuesTypingRun, groupTypingRuns, type RunMember, TYPING_PAUSE_MS } from './typing-run';

const change = (over: Partial<RunMember> & { id?: string } = {}): RunMember & { id: string } => ({
  id: 'c',
  userId: 'anna',
  field: 'notes',
  kind: 'change',
  op: { type: 'text' },
  at: 10_000,
  undoneBy: null,
  ...over,
});

describe('typing runs', () => {
  it.each([
    { name: 'my next keystrokes', older: {}, joins: true },
    { name: 'Yjs typing', older: { op: { type: 'yjs' } }, joins: true },
    { name: 'after a pause', older: { at: 10_000 - TYPING_PAUSE_MS - 1 }, joins: false },
    { name: 'someone else', older: { userId: 'napa' }, joins: false },
    { name: 'another field', older: { field: 'status', op: { type: 'set' } }, joins: false },
    { name: 'a whole-value notes change', older: { op: { type: 'set' } }, joins: false },
    { name: 'an undo', older: { kind: 'undo' }, joins: false },
    { name: 'an undone change next to a live one', older: { undoneBy: 'u1' }, joins: false },
  ])('$name: joins the run = $joins', ({ older, joins }) => {
    expect(continuesTypingRun(change({ at: 10_000 }), change({ at: 9_000, ...older }))).toBe(joins);
  });

  it('groups a page newest first, breaking at pauses and at other people', () => {
    const page = [
      change({ id: 'a5', at: 20_000 }),
      change({ id: 'a4', at: 19_500 }),
      change({ id: 'n1', userId: 'napa', at: 19_000 }),
      change({ id: 'a3', at: 18_900 }),
      change({ id: 'a2', at: 18_000 }),
      change({ id: 'a1', at: 10_000 }),
    ];
    expect(groupTypingRuns(page).map((run) => run.map((c) => c.id))).toEqual([
      ['a5', 'a4'],
      ['n1'],
      ['a3', 'a2'],
      ['a1'],
    ]);
  });
});
