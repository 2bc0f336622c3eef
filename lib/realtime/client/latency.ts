/**
 * A steady measure of the connection: the median of the last few heartbeat round trips, and a quality level from
 * it. One round trip (the first ping goes out while the page is still loading) says little; a median ignores the
 * odd slow one.
 */
export const LATENCY_WINDOW = 5;

export type ConnectionQuality = 'good' | 'fair' | 'poor';

/** Adds a sample, keeping the newest `size`. */
export function addSample(samples: readonly number[], sample: number, size = LATENCY_WINDOW): number[] {
  if (!Number.isFinite(sample) || sample < 0) return [...samples];
  return [...samples, sample].slice(-size);
}

export function median(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The figure to show: the median, except that a single slow round trip is not trusted yet (the first ping leaves
 * while the page is still busy loading); the next heartbeat decides. A single fast one is shown at once.
 */
export function steadyLatency(samples: readonly number[]): number | null {
  const value = median(samples);
  if (value === null) return null;
  return samples.length === 1 && qualityOf(value) !== 'good' ? null : value;
}

/** Under 300 ms typing feels instant to colleagues; past 1 s they notice the wait. */
export function qualityOf(medianMs: number | null): ConnectionQuality | null {
  if (medianMs === null) return null;
  if (medianMs < 300) return 'good';
  if (medianMs < 1000) return 'fair';
  return 'poor';
}
