export type TypingTimers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
};

export type TypingEmitterOptions = {
  /** Tell the server (true = typing, false = stopped). */
  send(typing: boolean): void;
  /** Stop on its own this long after the last keystroke. */
  idleMs: number;
  /** While typing continues, refresh the server state this often (it expires on the server otherwise). */
  refreshMs: number;
  timers: TypingTimers;
};

/**
 * Keystrokes in, "typing" / "stopped" out: the first keystroke is sent at once, further ones only refresh the
 * server state every `refreshMs`; `idleMs` after the last keystroke, or on send or blur, it says "stopped".
 */
export function createTypingEmitter(options: TypingEmitterOptions) {
  let typing = false;
  let lastSent = 0;
  let idle: unknown;

  function stop() {
    if (idle !== undefined) options.timers.clearTimeout(idle);
    idle = undefined;
    if (!typing) return;
    typing = false;
    options.send(false);
  }

  return {
    keystroke() {
      const now = options.timers.now();
      if (!typing || now - lastSent >= options.refreshMs) {
        typing = true;
        lastSent = now;
        options.send(true);
      }
      if (idle !== undefined) options.timers.clearTimeout(idle);
      idle = options.timers.setTimeout(stop, options.idleMs);
    },
    stop,
    get typing() {
      return typing;
    },
  };
}
