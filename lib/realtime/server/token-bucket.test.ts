import { describe, expect, it } from 'vitest';
import { TokenBucket } from './token-bucket';

function spend(bucket: TokenBucket, count: number, at: number): number {
  let ok = 0;
  for (let i = 0; i < count; i++) if (bucket.take(at)) ok++;
  return ok;
}

describe('TokenBucket', () => {
  it.each([
    { rate: 10, burst: 5, takes: 3, allowed: 3 },
    { rate: 10, burst: 5, takes: 8, allowed: 5 },
  ])('a fresh bucket allows the burst: $allowed of $takes', ({ rate, burst, takes, allowed }) => {
    expect(spend(new TokenBucket(rate, burst, 0), takes, 0)).toBe(allowed);
  });

  it.each([
    { pause: 0, allowed: 0 },
    { pause: 100, allowed: 1 },
    { pause: 350, allowed: 3 },
    { pause: 60_000, allowed: 5 },
  ])('a drained bucket refills at the rate: $allowed after $pause ms', ({ pause, allowed }) => {
    const bucket = new TokenBucket(10, 5, 0);
    spend(bucket, 5, 0);
    expect(spend(bucket, 10, pause)).toBe(allowed);
  });
});
