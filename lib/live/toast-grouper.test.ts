import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createToastGrouper, type GroupedNote } from './toast-grouper';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const anna = { id: 'a', name: 'Anna' };
const ken = { id: 'k', name: 'Ken' };

describe('toast grouper', () => {
  it('shows a lone change as itself after the window', () => {
    const shown: GroupedNote[] = [];
    const grouper = createToastGrouper({ windowMs: 500, emit: (n) => shown.push(n) });
    grouper.add({ actor: anna, text: 'Anna updated Tea' });
    expect(shown).toEqual([]);
    vi.advanceTimersByTime(500);
    expect(shown).toEqual([{ kind: 'single', actor: anna, text: 'Anna updated Tea' }]);
  });

  it('keeps a bulk update as one toast', () => {
    const shown: GroupedNote[] = [];
    const grouper = createToastGrouper({ windowMs: 500, emit: (n) => shown.push(n) });
    grouper.add({ actor: anna, text: 'Anna updated 20 products', count: 20 });
    vi.advanceTimersByTime(500);
    expect(shown).toHaveLength(1);
    expect(shown[0]).toMatchObject({ kind: 'single', text: 'Anna updated 20 products' });
  });

  it('groups a burst into one toast naming each actor once', () => {
    const shown: GroupedNote[] = [];
    const grouper = createToastGrouper({ windowMs: 500, emit: (n) => shown.push(n) });
    grouper.add({ actor: anna, text: '1' });
    vi.advanceTimersByTime(200);
    grouper.add({ actor: ken, text: '2' });
    grouper.add({ actor: anna, text: '3', count: 5 });
    vi.advanceTimersByTime(300);
    expect(shown).toEqual([{ kind: 'group', actors: [anna, ken], changes: 7 }]);
    grouper.add({ actor: ken, text: '4' });
    vi.advanceTimersByTime(500);
    expect(shown).toHaveLength(2);
  });
});
