import { describe, expect, it } from 'vitest';
import type { Member } from '../protocol';
import { Connection } from './connection';
import { aggregate, type Holder, mergeMembers, UserAggregate, visiblyDifferent } from './member';

const base: Member = {
  userId: 'u',
  name: 'U',
  role: 'sales',
  status: 'online',
  connections: 1,
  updatedAt: 1,
};

describe('mergeMembers', () => {
  it.each([
    { statuses: ['away', 'online'], expected: 'online' },
    { statuses: ['away', 'away'], expected: 'away' },
    { statuses: ['online', 'busy'], expected: 'busy' },
    { statuses: ['offline', 'away'], expected: 'away' },
  ] as const)('$statuses -> $expected', ({ statuses, expected }) => {
    const merged = mergeMembers(statuses.map((status, i) => ({ ...base, status, updatedAt: i })));
    expect(merged?.status).toBe(expected);
    expect(merged?.connections).toBe(statuses.length);
  });

  it('takes location and activity from the newest part', () => {
    const merged = mergeMembers([
      { ...base, location: { page: '/old' }, updatedAt: 5 },
      { ...base, location: { page: '/new' }, activity: 'typing', updatedAt: 9, connections: 2 },
    ]);
    expect(merged).toMatchObject({ location: { page: '/new' }, activity: 'typing', connections: 3 });
  });

  it('lists the pages of every part, sorted, once each', () => {
    const merged = mergeMembers([
      { ...base, location: { page: '/b' }, pages: ['/b', '/c'], updatedAt: 5 },
      { ...base, location: { page: '/a' }, pages: ['/a', '/b'], updatedAt: 9 },
    ]);
    expect(merged).toMatchObject({ location: { page: '/a' }, pages: ['/a', '/b', '/c'] });
    expect(mergeMembers([base])?.pages).toBeUndefined();
    expect(visiblyDifferent({ ...base, pages: ['/a'] }, { ...base, pages: ['/a', '/b'] })).toBe(true);
  });

  it('is null without parts', () => {
    expect(mergeMembers([])).toBeNull();
  });

  it('ignores a connection count change when comparing', () => {
    expect(visiblyDifferent(base, { ...base, connections: 4, updatedAt: 8 })).toBe(false);
    expect(visiblyDifferent(base, { ...base, cursor: { x: 1, y: 2 } })).toBe(true);
  });
});

describe('UserAggregate', () => {
  const socket = { send() {}, close() {}, bufferedAmount: 0 };
  const user = { id: 'u', tenantId: 't', role: 'sales' as const, name: 'U' };
  const holder = (at: number, hidden: boolean): Holder => {
    const conn = new Connection(
      `c${at}`,
      user,
      socket,
      Number.MAX_SAFE_INTEGER,
      { messagesPerSecond: 1, burst: 1 },
      at,
    );
    conn.presence.hidden = hidden;
    return { conn, fields: { updatedAt: at, location: { page: `/p${at}` } } };
  };

  it.each([
    [[true, true, false], 'online'],
    [[false, true, true], 'online'],
    [[true, true, true], 'away'],
  ])('matches the full aggregate for tabs hidden %j', (hidden, status) => {
    const holders = hidden.map((h, i) => holder(i + 1, h));
    const tally = new UserAggregate();
    for (const next of holders) tally.add(next);
    const member = tally.member()!;
    expect(member).toEqual(aggregate(holders));
    expect(member.status).toBe(status);
    expect(member.connections).toBe(3);
  });

  it('with pages, lists the page of every tab (the newest one gives the location) and follows tabs leaving', () => {
    const [a, b, c] = [holder(1, false), holder(2, false), holder(3, false)];
    b!.fields.location = { page: '/p1' };
    const tally = new UserAggregate(true);
    for (const h of [a!, b!, c!]) tally.add(h);
    expect(tally.member()).toMatchObject({ location: { page: '/p3' }, pages: ['/p1', '/p3'] });
    expect(tally.member()).toEqual(aggregate([a!, b!, c!], true));
    expect(tally.remove(a!)).toBe(true);
    expect(tally.member()?.pages).toEqual(['/p1', '/p3']);
    expect(tally.remove(b!)).toBe(true);
    expect(tally.member()?.pages).toEqual(['/p3']);
    expect(new UserAggregate().member()).toBeNull();
    const rooms = new UserAggregate();
    rooms.add(a!);
    expect(rooms.member()?.pages).toBeUndefined();
  });

  it('follows tabs leaving, and asks for a rebuild when the newest leaves', () => {
    const [a, b, c] = [holder(1, true), holder(2, false), holder(3, true)];
    const tally = new UserAggregate();
    for (const h of [a!, b!, c!]) tally.add(h);
    expect(tally.remove(b!)).toBe(true);
    expect(tally.member()).toEqual(aggregate([a!, c!]));
    expect(tally.remove(c!)).toBe(false);
    tally.rebuild([a!]);
    expect(tally.member()).toEqual(aggregate([a!]));
  });
});
