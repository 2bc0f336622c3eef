import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('throttle', () => {
  it('sends the first call at once and the latest of a burst at the end of the window', () => {
    const calls: Array<[number, number]> = [];
    const move = throttle((x: number) => calls.push([Date.now(), x]), 100);
    move(1);
    vi.advanceTimersByTime(10);
    move(2);
    vi.advanceTimersByTime(10);
    move(3);
    expect(calls).toEqual([[0, 1]]);
    vi.advanceTimersByTime(80);
    expect(calls).toEqual([
      [0, 1],
      [100, 3],
    ]);
    vi.advanceTimersByTime(500);
    move(4);
    expect(calls.at(-1)).toEqual([600, 4]);
  });

  it('never exceeds one call per window under a steady stream', () => {
    const calls: number[] = [];
    const move = throttle(() => calls.push(Date.now()), 100);
    for (let t = 0; t < 1000; t += 5) {
      move();
      vi.advanceTimersByTime(5);
    }
    vi.advanceTimersByTime(200);
    for (let i = 1; i < calls.length; i++) expect(calls[i]! - calls[i - 1]!).toBeGreaterThanOrEqual(100);
    expect(calls.length).toBeGreaterThanOrEqual(10);
    expect(calls.length).toBeLessThanOrEqual(11);
  });

  it('cancel drops the trailing call', () => {
    const calls: number[] = [];
    const move = throttle((x: number) => calls.push(x), 100);
    move(1);
    move(2);
    move.cancel();
    vi.advanceTimersByTime(500);
    expect(calls).toEqual([1]);
  });
});
