import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock';

describe('ManualClock', () => {
  it('runs what falls due in time order, reading each callback’s due time', () => {
    const clock = new ManualClock(1000);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['b', clock.now()]), 20);
    clock.setTimeout(() => seen.push(['a', clock.now()]), 10);
    clock.setTimeout(() => seen.push(['c', clock.now()]), 30);
    clock.advance(19);
    expect(seen).toEqual([['a', 1010]]);
    expect(clock.now()).toBe(1019);
    clock.advance(11);
    expect(seen).toEqual([
      ['a', 1010],
      ['b', 1020],
      ['c', 1030],
    ]);
    expect(clock.scheduled).toBe(0);
  });

  it('repeats intervals until cancelled, and runs timers scheduled by a callback within the same advance', () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const interval = clock.setInterval(() => ticks.push(clock.now()), 100);
    clock.setTimeout(() => clock.setTimeout(() => ticks.push(-clock.now()), 5), 150);
    clock.advance(350);
    expect(ticks).toEqual([100, -155, 200, 300]);
    interval.cancel();
    interval.cancel();
    clock.advance(1000);
    expect(ticks).toHaveLength(4);
  });

  it('does not go back', () => {
    expect(() => new ManualClock().advance(-1)).toThrow();
  });
});
