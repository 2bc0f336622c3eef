import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createToastStore, isOthersAction } from './toast-store';

beforeEach(() => vi.useFakeTimers({ now: 0 }));
afterEach(() => vi.useRealTimers());

describe('toast store', () => {
  it('stacks toasts, keeps at most max (oldest leave) and dismisses after their duration', () => {
    const toasts = createToastStore({ max: 2 });
    toasts.push({ title: 'a' });
    toasts.push({ title: 'b', durationMs: 0 });
    toasts.push({ title: 'c', durationMs: 1000 });
    expect(toasts.store.getState().toasts.map((t) => t.title)).toEqual(['b', 'c']);
    vi.advanceTimersByTime(1000);
    expect(toasts.store.getState().toasts.map((t) => t.title)).toEqual(['b']);
    vi.advanceTimersByTime(60_000);
    expect(toasts.store.getState().toasts.map((t) => t.title)).toEqual(['b']);
  });

  it('replaces a toast with the same key and dismisses by id', () => {
    const toasts = createToastStore();
    toasts.push({ title: 'stock 5', key: 'product:1' });
    const id = toasts.push({ title: 'stock 4', key: 'product:1' });
    toasts.push({ title: 'other' });
    expect(toasts.store.getState().toasts.map((t) => t.title)).toEqual(['stock 4', 'other']);
    toasts.dismiss(id);
    expect(toasts.store.getState().toasts.map((t) => t.title)).toEqual(['other']);
    toasts.clear();
    expect(toasts.store.getState().toasts).toEqual([]);
  });

  it('shows change toasts only for other people', () => {
    expect(isOthersAction({ id: 'u2' }, 'u1')).toBe(true);
    expect(isOthersAction({ id: 'u1' }, 'u1')).toBe(false);
    expect(isOthersAction(undefined, 'u1')).toBe(false);
  });
});
