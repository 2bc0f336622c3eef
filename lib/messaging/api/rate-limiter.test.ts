import { describe, expect, it } from 'vitest';
import { KeyedRateLimiter } from './rate-limiter';

describe('KeyedRateLimiter', () => {
  it('allows the burst, refuses the next with a retry time, refills over time, per key', () => {
    let now = 0;
    const limiter = new KeyedRateLimiter(2, 3, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('b').allowed).toBe(true);
    now += 500;
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false);
    now += 10_000;
    expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false]);
  });

  it('tells a slow refill how many seconds to wait', () => {
    const limiter = new KeyedRateLimiter(0.25, 1, () => 0);
    limiter.take('a');
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 4 });
  });
});
