import type { SyncClock } from '../client/transport';

/**
 * How many timers one `advance` may fire. A timer that keeps scheduling another one due at once (delay 0) would
 * otherwise loop without end inside `advance`: time never moves, so the synchronous loop never finishes and the
 * test timeout cannot stop it.
 */
const MAX_FIRES_PER_ADVANCE = 10_000;

/** A clock whose timers fire only when the test advances time. */
export function createFakeClock(start = 1_700_000_000_000, options: { maxFiresPerAdvance?: number } = {}) {
  const maxFires = options.maxFiresPerAdvance ?? MAX_FIRES_PER_ADVANCE;
  let now = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void; ms: number }>();
  const clock: SyncClock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn, ms });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
  return {
    clock,
    now: () => now,
    /** Moves time forward, firing due timers in time order. Throws when timers keep rescheduling at once. */
    advance(ms: number) {
      const until = now + ms;
      let fired = 0;
      for (;;) {
        let due: [number, { at: number; fn: () => void; ms: number }] | null = null;
        for (const entry of timers)
          if (entry[1].at <= until && (!due || entry[1].at < due[1].at)) due = entry;
        if (!due) break;
        if (++fired > maxFires) {
          const waiting = [...timers.values()]
            .filter((t) => t.at <= until)
            .map((t) => `at +${t.at - now} ms (set with ${t.ms} ms)`);
          throw new Error(
            `fake clock: more than ${maxFires} timers fired in one advance of ${ms} ms without time moving ` +
              `(a timer that reschedules itself at once?); due now: ${waiting.join(', ')}`,
          );
        }
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
      }
      now = until;
    },
    pendingTimers: () => timers.size,
  };
}
