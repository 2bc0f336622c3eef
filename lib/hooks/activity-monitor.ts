import { defaultTimers, type Timers } from '../realtime/client/environment';

type Listenable = {
  addEventListener(type: string, listener: () => void, options?: { passive?: boolean }): void;
  removeEventListener(type: string, listener: () => void): void;
};

export type ActivityTarget = Listenable & { readonly visibilityState?: string };

export type ActivityOptions = {
  /** The document (visibility changes and input events). */
  target: ActivityTarget;
  /** No input for this long means idle (default 5 minutes, the server's default). */
  idleMs?: number;
  /** While active, tell the server at most this often that the user is still there (default 60 s). */
  beaconMs?: number;
  timers?: Timers;
  onChange(state: { hidden: boolean; idle: boolean }): void;
  onBeacon(): void;
};

const inputEvents = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'];

/**
 * Watches whether the tab is hidden and whether the user is idle. The server marks a connection idle after a
 * silence, so while the user works without sending anything, a beacon tells it they are still here.
 */
export function createActivityMonitor(options: ActivityOptions): () => void {
  const { target, onChange, onBeacon } = options;
  const timers = options.timers ?? defaultTimers;
  const idleMs = options.idleMs ?? 5 * 60_000;
  const beaconMs = options.beaconMs ?? 60_000;
  let hidden = target.visibilityState === 'hidden';
  let idle = false;
  let lastInput = timers.now();
  let lastBeacon = timers.now();
  let idleTimer: unknown = null;

  const emit = () => onChange({ hidden, idle });
  const armIdle = (ms: number) => {
    timers.clearTimeout(idleTimer);
    idleTimer = timers.setTimeout(checkIdle, ms);
  };
  const checkIdle = () => {
    const quietFor = timers.now() - lastInput;
    if (quietFor >= idleMs) {
      if (!idle) {
        idle = true;
        emit();
      }
      return;
    }
    armIdle(idleMs - quietFor);
  };
  const onInput = () => {
    const now = timers.now();
    lastInput = now;
    if (idle) {
      idle = false;
      emit();
      armIdle(idleMs);
    }
    if (now - lastBeacon >= beaconMs) {
      lastBeacon = now;
      onBeacon();
    }
  };
  const onVisibility = () => {
    const next = target.visibilityState === 'hidden';
    if (next === hidden) return;
    hidden = next;
    if (!hidden) onInput();
    emit();
  };

  target.addEventListener('visibilitychange', onVisibility);
  for (const type of inputEvents) target.addEventListener(type, onInput, { passive: true });
  armIdle(idleMs);
  emit();
  return () => {
    timers.clearTimeout(idleTimer);
    target.removeEventListener('visibilitychange', onVisibility);
    for (const type of inputEvents) target.removeEventListener(type, onInput);
  };
}
