import { describe, expect, it } from 'vitest';
import { classifyEvent, type Position, resolveSubscribed } from './position';

const at = (epoch: string, seq: number): Position => ({ epoch, seq });

describe('classifyEvent', () => {
  it.each<[Position | null, Position, string]>([
    [at('e1', 4), at('e1', 5), 'deliver'],
    [at('e1', 0), at('e1', 1), 'deliver'],
    [at('e1', 4), at('e1', 4), 'duplicate'],
    [at('e1', 4), at('e1', 2), 'duplicate'],
    [at('e1', 4), at('e1', 6), 'gap'],
    [at('e1', 4), at('e1', 100), 'gap'],
    [at('e1', 4), at('e2', 5), 'gap'],
    [at('e1', 4), at('e2', 1), 'gap'],
    [null, at('e1', 1), 'gap'],
  ])('from %j, event %j is %s', (position, event, verdict) => {
    expect(classifyEvent(position, event)).toBe(verdict);
  });
});

describe('resolveSubscribed', () => {
  it.each<[string, Position | null, { epoch: string; seq: number; recovered?: boolean }, unknown]>([
    ['fresh subscription', null, { epoch: 'e1', seq: 7 }, { kind: 'fresh', position: at('e1', 7) }],
    [
      'recovered with a replay of 3',
      at('e1', 4),
      { epoch: 'e1', seq: 7, recovered: true },
      { kind: 'recovered', position: at('e1', 4), missed: 3 },
    ],
    [
      'nothing missed',
      at('e1', 4),
      { epoch: 'e1', seq: 4, recovered: true },
      { kind: 'recovered', position: at('e1', 4), missed: 0 },
    ],
    [
      'nothing missed and recovered left out',
      at('e1', 4),
      { epoch: 'e1', seq: 4 },
      { kind: 'recovered', position: at('e1', 4), missed: 0 },
    ],
    [
      'recovered:false',
      at('e1', 4),
      { epoch: 'e1', seq: 900, recovered: false },
      { kind: 'reset', position: at('e1', 900) },
    ],
    [
      'a new epoch',
      at('e1', 4),
      { epoch: 'e2', seq: 2, recovered: false },
      { kind: 'reset', position: at('e2', 2) },
    ],
    [
      'a new epoch claimed as recovered is still a reset',
      at('e1', 4),
      { epoch: 'e2', seq: 2, recovered: true },
      { kind: 'reset', position: at('e2', 2) },
    ],
    [
      'server ignored since and moved on',
      at('e1', 4),
      { epoch: 'e1', seq: 9 },
      { kind: 'reset', position: at('e1', 9) },
    ],
    [
      'server behind the client (history lost) is a reset',
      at('e1', 4),
      { epoch: 'e1', seq: 2, recovered: true },
      { kind: 'reset', position: at('e1', 2) },
    ],
  ])('%s', (_name, since, answer, expected) => {
    expect(resolveSubscribed(since, answer)).toEqual(expected);
  });
});
