/** A scheduled callback; `cancel` is idempotent. */
export type Scheduled = { cancel(): void };

/**
 * Where the hub reads the time and schedules its sweeps. Production uses `systemClock`; tests pass a
 * `ManualClock` and move time forward themselves, so a heartbeat timeout or a TTL is reached without waiting.
 */
export interface Clock {
  now(): number;
  /** Runs once after `ms`. Never keeps the process alive. */
  setTimeout(run: () => void, ms: number): Scheduled;
  /** Runs every `ms` until cancelled. Never keeps the process alive. */
  setInterval(run: () => void, ms: number): Scheduled;
}

// The wall clock as Node gives it: Next (loaded later in the same process) replaces the global `Date` with one whose
// `now()` first asks whether a prerender is observing the time, a cost the hub would pay on every frame.
const wallClock = Date.now;

export const systemClock: Clock = {
  now: () => wallClock(),
  setTimeout(run, ms) {
    const timer = setTimeout(run, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
  setInterval(run, ms) {
    const timer = setInterval(run, ms);
    timer.unref();
    return { cancel: () => clearInterval(timer) };
  },
};

type Pending = { due: number; order: number; every: number | null; run: () => void; live: boolean };

/**
 * A clock that moves only when told to (tests). `advance` runs every callback that falls due, in time order, with
 * `now()` reading each callback's due time while it runs; intervals are rescheduled as they fire.
 */
export class ManualClock implements Clock {
  private time: number;
  private order = 0;
  private pending: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(run: () => void, ms: number): Scheduled {
    return this.schedule(run, ms, null);
  }

  setInterval(run: () => void, ms: number): Scheduled {
    return this.schedule(run, ms, Math.max(1, ms));
  }

  /** Callbacks still waiting (cancelled ones excluded). */
  get scheduled(): number {
    return this.pending.filter((entry) => entry.live).length;
  }

  /** Moves time forward by `ms`, running what falls due on the way. */
  advance(ms: number): void {
    if (ms < 0) throw new Error('time does not go back');
    const until = this.time + ms;
    for (;;) {
      const next = this.nextDue(until);
      if (!next) break;
      this.time = next.due;
      if (next.every === null) next.live = false;
      else next.due += next.every;
      next.run();
    }
    this.time = until;
    this.pending = this.pending.filter((entry) => entry.live);
  }

  private nextDue(until: number): Pending | undefined {
    let next: Pending | undefined;
    for (const entry of this.pending) {
      if (!entry.live || entry.due > until) continue;
      if (!next || entry.due < next.due || (entry.due === next.due && entry.order < next.order)) next = entry;
    }
    return next;
  }

  private schedule(run: () => void, ms: number, every: number | null): Scheduled {
    const entry: Pending = { due: this.time + Math.max(0, ms), order: this.order++, every, run, live: true };
    this.pending.push(entry);
    return {
      cancel: () => {
        entry.live = false;
      },
    };
  }
}
