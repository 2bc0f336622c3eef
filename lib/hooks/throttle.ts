import { defaultTimers, type Timers } from '../realtime/client/environment';

export type Throttled<A extends unknown[]> = ((...args: A) => void) & { cancel(): void };

/**
 * At most one call per `ms`: the first call goes at once, later ones within the window collapse into one trailing
 * call with the latest arguments (so the last cursor position is never lost).
 */
export function throttle<A extends unknown[]>(
  fn: (...args: A) => void,
  ms: number,
  timers: Timers = defaultTimers,
) {
  let last = Number.NEGATIVE_INFINITY;
  let timer: unknown = null;
  let pending: A | null = null;
  const flush = () => {
    timer = null;
    if (!pending) return;
    const args = pending;
    pending = null;
    last = timers.now();
    fn(...args);
  };
  const throttled = ((...args: A) => {
    const wait = last + ms - timers.now();
    if (wait <= 0 && timer === null) {
      last = timers.now();
      fn(...args);
      return;
    }
    pending = args;
    if (timer === null) timer = timers.setTimeout(flush, Math.max(0, wait));
  }) as Throttled<A>;
  throttled.cancel = () => {
    timers.clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return throttled;
}
