import { describe, expect, it } from 'vitest';
import { addSample, median, qualityOf, steadyLatency } from './latency';

describe('rolling median of heartbeat round trips', () => {
  it('keeps the newest five samples', () => {
    let samples: number[] = [];
    for (const ms of [500, 10, 12, 11, 9, 13]) samples = addSample(samples, ms);
    expect(samples).toEqual([10, 12, 11, 9, 13]);
    expect(median(samples)).toBe(11);
  });

  it('ignores one slow ping at page load once there are more', () => {
    expect(median([559])).toBe(559);
    expect(median([559, 8, 9])).toBe(9);
    expect(median([559, 8])).toBe(283.5);
  });

  it('waits for a second round trip before calling the connection slow', () => {
    expect(steadyLatency([])).toBeNull();
    expect(steadyLatency([450])).toBeNull();
    expect(steadyLatency([12])).toBe(12);
    expect(steadyLatency([450, 9])).toBe(229.5);
    expect(steadyLatency([450, 9, 11])).toBe(11);
  });

  it('rejects impossible samples', () => {
    expect(addSample([5], -1)).toEqual([5]);
    expect(addSample([5], Number.NaN)).toEqual([5]);
  });

  it.each([
    [null, null],
    [8, 'good'],
    [299, 'good'],
    [300, 'fair'],
    [999, 'fair'],
    [1000, 'poor'],
  ] as const)('%s ms -> %s', (ms, quality) => {
    expect(qualityOf(ms)).toBe(quality);
  });
});
