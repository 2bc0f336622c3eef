import { describe, expect, it } from 'vitest';
import { mergeTypistsRead } from './typists-merge';

describe('mergeTypistsRead', () => {
  const anna = { userId: 'anna', name: 'Anna' };
  const napa = { userId: 'napa', name: 'นภา' };

  it('keeps someone who started typing while the list was read (the list is older)', () => {
    const current = new Map([['anna', { name: 'Anna', until: 50 }]]);
    const next = mergeTypistsRead(current, [], new Set(['anna']), 99);
    expect([...next.keys()]).toEqual(['anna']);
    expect(next.get('anna')?.until).toBe(50);
  });

  it('does not bring back someone who stopped while the list was read', () => {
    const next = mergeTypistsRead(new Map(), [anna], new Set(['anna']), 99);
    expect(next.size).toBe(0);
  });

  it('adds the typists the list names and drops those it does not, for people nobody heard from since', () => {
    const current = new Map([['old', { name: 'Old', until: 10 }]]);
    const next = mergeTypistsRead(current, [anna, napa], new Set(), 99);
    expect([...next.entries()]).toEqual([
      ['anna', { name: 'Anna', until: 99 }],
      ['napa', { name: 'นภา', until: 99 }],
    ]);
  });
});
