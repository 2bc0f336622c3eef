import { describe, expect, it } from 'vitest';
import { backoffDelay } from './backoff';

const options = { reconnectInterval: 1000, maxReconnectInterval: 30_000, reconnectDecay: 2, jitter: 0.5 };

describe('backoffDelay', () => {
  it.each([
    // attempt, random, expected
    [1, 0, 1000],
    [2, 0, 2000],
    [3, 0, 4000],
    [4, 0, 8000],
    [5, 0, 16_000],
    [6, 0, 30_000],
    [20, 0, 30_000],
    [1, 0.5, 750],
    [1, 0.99, 505],
    [3, 1, 2000],
    [6, 0.5, 22_500],
    [0, 0, 1000],
  ])('attempt %i with random %d waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, options, random)).toBe(expected);
  });

  it('never exceeds the maximum and never goes below the jitter floor', () => {
    for (let attempt = 1; attempt < 40; attempt++) {
      for (const random of [0, 0.1, 0.42, 0.9, 0.9999]) {
        const delay = backoffDelay(attempt, options, random);
        expect(delay).toBeLessThanOrEqual(30_000);
        expect(delay).toBeGreaterThanOrEqual(500);
      }
    }
  });

  it('without jitter is deterministic, and a decay of 1 keeps the interval constant', () => {
    expect(backoffDelay(4, { ...options, jitter: 0 }, 0.77)).toBe(8000);
    expect(backoffDelay(9, { ...options, reconnectDecay: 1 }, 0)).toBe(1000);
  });

  it('clamps out-of-range jitter and random values', () => {
    expect(backoffDelay(1, { ...options, jitter: 3 }, 0.5)).toBe(500);
    expect(backoffDelay(1, options, -1)).toBe(1000);
  });
});
