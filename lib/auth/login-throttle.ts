/**
 * Slows down repeated failed sign-ins per email and per client address: after a few free attempts, each further
 * failure doubles the wait before the next attempt is even checked (capped), and a success clears the record.
 */
export type ThrottleOptions = {
  freeAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  windowMs: number;
};

type Entry = { failures: number; lastFailure: number };

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly options: ThrottleOptions = {
      freeAttempts: 3,
      baseDelayMs: 500,
      maxDelayMs: 30_000,
      windowMs: 15 * 60_000,
    },
    private readonly now: () => number = Date.now,
  ) {}

  /** Milliseconds the caller must wait before this attempt is evaluated. */
  delayFor(keys: string[]): number {
    let worst = 0;
    for (const key of keys) {
      const entry = this.fresh(key);
      if (!entry || entry.failures < this.options.freeAttempts) continue;
      const exponent = entry.failures - this.options.freeAttempts;
      worst = Math.max(worst, Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** exponent));
    }
    return worst;
  }

  recordFailure(keys: string[]): void {
    for (const key of keys) {
      const entry = this.fresh(key) ?? { failures: 0, lastFailure: 0 };
      this.entries.set(key, { failures: entry.failures + 1, lastFailure: this.now() });
    }
    if (this.entries.size > 10_000) this.prune();
  }

  recordSuccess(keys: string[]): void {
    for (const key of keys) this.entries.delete(key);
  }

  private fresh(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && this.now() - entry.lastFailure > this.options.windowMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private prune(): void {
    for (const key of [...this.entries.keys()]) this.fresh(key);
  }
}
