import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createActivityMonitor } from './activity-monitor';
import { effectiveStatus } from './presence-status';

class FakeDocument {
  visibilityState = 'visible';
  private listeners = new Map<string, Set<() => void>>();
  addEventListener(type: string, listener: () => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set());
    this.listeners.get(type)!.add(listener);
  }
  removeEventListener(type: string, listener: () => void) {
    this.listeners.get(type)?.delete(listener);
  }
  fire(type: string) {
    for (const l of this.listeners.get(type) ?? []) l();
  }
  count() {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('createActivityMonitor', () => {
  it('reports hidden on visibilitychange and idle after the quiet period, and back', () => {
    const doc = new FakeDocument();
    const changes: Array<{ hidden: boolean; idle: boolean }> = [];
    const beacons: number[] = [];
    const stop = createActivityMonitor({
      target: doc,
      idleMs: 1000,
      beaconMs: 300,
      onChange: (s) => changes.push(s),
      onBeacon: () => beacons.push(Date.now()),
    });
    expect(changes).toEqual([{ hidden: false, idle: false }]);
    vi.advanceTimersByTime(500);
    doc.fire('keydown');
    expect(beacons).toEqual([500]);
    vi.advanceTimersByTime(999);
    expect(changes).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(changes.at(-1)).toEqual({ hidden: false, idle: true });
    doc.fire('pointermove');
    expect(changes.at(-1)).toEqual({ hidden: false, idle: false });
    doc.visibilityState = 'hidden';
    doc.fire('visibilitychange');
    expect(changes.at(-1)).toEqual({ hidden: true, idle: false });
    doc.visibilityState = 'visible';
    doc.fire('visibilitychange');
    expect(changes.at(-1)).toEqual({ hidden: false, idle: false });
    stop();
    expect(doc.count()).toBe(0);
  });
});

describe('effectiveStatus', () => {
  it.each([
    ['online', false, false, 'online'],
    ['online', true, false, 'away'],
    ['online', false, true, 'away'],
    ['busy', true, true, 'busy'],
    ['offline', false, false, 'offline'],
    ['away', false, false, 'away'],
  ] as const)('chosen %s hidden %s idle %s -> %s', (chosen, hidden, idle, expected) => {
    expect(effectiveStatus({ chosen, hidden, idle })).toBe(expected);
  });
});
