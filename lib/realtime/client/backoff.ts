export type BackoffOptions = {
  /** Delay before the first retry, in ms. */
  reconnectInterval: number;
  /** Upper bound of any delay, in ms. */
  maxReconnectInterval: number;
  /** Growth factor per attempt (1.5 doubles roughly every two attempts). */
  reconnectDecay: number;
  /** Share of the delay that is randomised, 0..1. 0.5 means the delay lands between 50% and 100% of the base. */
  jitter: number;
};

/**
 * The wait before reconnect attempt `attempt` (1-based): exponential growth capped at the maximum, then shortened by
 * a random share so that many clients dropped at once do not come back in lock step. `random` is in [0, 1).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: number): number {
  const step = Math.max(0, attempt - 1);
  const base = Math.min(
    options.maxReconnectInterval,
    options.reconnectInterval * options.reconnectDecay ** step,
  );
  const jitter = Math.min(1, Math.max(0, options.jitter));
  const unit = Math.min(1, Math.max(0, random));
  return Math.round(base * (1 - jitter * unit));
}
