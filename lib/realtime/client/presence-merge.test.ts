import { describe, expect, it } from 'vitest';
import type { Member } from '../protocol/messages';
import { applyPresence, countPresence, presenceSnapshot } from './presence-merge';

function member(userId: string, name: string, updatedAt: number, extra: Partial<Member> = {}): Member {
  return { userId, name, role: 'sales', status: 'online', connections: 1, updatedAt, ...extra };
}

const anna = member('u1', 'Anna', 10);
const napa = member('u2', 'Napa', 10);

describe('applyPresence', () => {
  it('adds a joining member, sorted by name', () => {
    const list = applyPresence([napa], 'join', anna);
    expect(list.map((m) => m.name)).toEqual(['Anna', 'Napa']);
  });

  it('keeps one entry per user when a second tab joins', () => {
    const list = applyPresence([anna], 'join', { ...anna, connections: 2, updatedAt: 11 });
    expect(list).toHaveLength(1);
    expect(list[0]!.connections).toBe(2);
  });

  it('merges an update (section and activity move)', () => {
    const list = applyPresence([anna, napa], 'update', {
      ...anna,
      location: { page: '/orders/1', section: 'lines' },
      activity: 'typing',
      updatedAt: 12,
    });
    expect(list[0]).toMatchObject({ location: { section: 'lines' }, activity: 'typing' });
    expect(list[1]).toBe(napa);
  });

  it('removes a member on leave and ignores a leave of someone unknown', () => {
    expect(applyPresence([anna, napa], 'leave', { ...anna, updatedAt: 20 })).toEqual([napa]);
    const unchanged = [napa];
    expect(applyPresence(unchanged, 'leave', anna)).toBe(unchanged);
  });

  it('treats status offline or zero connections as a leave', () => {
    expect(applyPresence([anna], 'update', { ...anna, status: 'offline', updatedAt: 11 })).toEqual([]);
    expect(applyPresence([anna], 'update', { ...anna, connections: 0, updatedAt: 11 })).toEqual([]);
  });

  it('ignores frames older than what is known (out of order across nodes)', () => {
    const away = { ...anna, status: 'away' as const, updatedAt: 30 };
    const list = [away];
    expect(applyPresence(list, 'update', { ...anna, updatedAt: 20 })).toBe(list);
    expect(applyPresence(list, 'leave', { ...anna, updatedAt: 25 })).toBe(list);
  });

  it('a late update does not resurrect a member who already left', () => {
    const afterLeave = applyPresence([anna], 'leave', { ...anna, updatedAt: 40 });
    // The update is older than the leave but the list no longer knows the user; a join/update re-adds only when newer
    // information arrives, which the server sends as a fresh join.
    expect(afterLeave).toEqual([]);
  });
});

describe('presenceSnapshot and countPresence', () => {
  it('dedupes by user keeping the newest and drops offline entries', () => {
    const list = presenceSnapshot([
      anna,
      { ...anna, status: 'busy', updatedAt: 15 },
      napa,
      member('u3', 'Ken', 5, { status: 'offline' }),
    ]);
    expect(list.map((m) => [m.name, m.status])).toEqual([
      ['Anna', 'busy'],
      ['Napa', 'online'],
    ]);
  });

  it('counts statuses', () => {
    expect(
      countPresence([anna, { ...napa, status: 'away' }, member('u3', 'Ken', 1, { status: 'busy' })]),
    ).toEqual({ total: 3, online: 1, away: 1, busy: 1 });
  });
});
