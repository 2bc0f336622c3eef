import type { Timers } from './environment';

export type HeartbeatDeps = {
  timers: Timers;
  interval: number;
  sendPing(t: number): void;
  /** Nothing was heard for two intervals. */
  onDead(silentFor: number): void;
};

/**
 * Pings every interval (the pong measures latency) and watches for silence: any frame from the server counts as a
 * sign of life (`heard`), and two silent intervals mean the connection is dead even if the socket never says so.
 */
export class Heartbeat {
  private pingTimer: unknown = null;
  private watchTimer: unknown = null;
  private lastHeard = 0;

  constructor(private readonly deps: HeartbeatDeps) {}

  heard(): void {
    this.lastHeard = this.deps.timers.now();
  }

  start(): void {
    const { timers, interval } = this.deps;
    this.stop();
    this.heard();
    const ping = () => {
      this.deps.sendPing(timers.now());
      this.pingTimer = timers.setTimeout(ping, interval);
    };
    ping();
    const watch = () => {
      const silentFor = timers.now() - this.lastHeard;
      if (silentFor >= 2 * interval) {
        this.stop();
        this.deps.onDead(silentFor);
        return;
      }
      this.watchTimer = timers.setTimeout(watch, 2 * interval - silentFor);
    };
    this.watchTimer = timers.setTimeout(watch, 2 * interval);
  }

  stop(): void {
    this.deps.timers.clearTimeout(this.pingTimer);
    this.deps.timers.clearTimeout(this.watchTimer);
    this.pingTimer = null;
    this.watchTimer = null;
  }
}
