import { expect, it } from 'vitest';
import type { PusherState } from './types';

/** What every PusherState must do; run against each implementation (state.test.ts). */
export function pusherStateContract(create: () => Promise<{ state: PusherState; close(): Promise<void> }>) {
  it('counts subscriptions: occupied at 1, vacated at 0, never below', async () => {
    const { state, close } = await create();
    expect(await state.addSubscription('a', 'news')).toBe(1);
    expect(await state.addSubscription('a', 'news')).toBe(2);
    expect(await state.addSubscription('b', 'news')).toBe(1);
    expect(await state.subscriptionCount('a', 'news')).toBe(2);
    expect([...(await state.channels('a'))]).toEqual([['news', 2]]);
    expect(await state.removeSubscription('a', 'news')).toBe(1);
    expect(await state.removeSubscription('a', 'news')).toBe(0);
    expect(await state.removeSubscription('a', 'news')).toBe(-1);
    expect(await state.channels('a')).toEqual(new Map());
    await close();
  });

  it('counts a presence member once however many connections, keeping the first user_info', async () => {
    const { state, close } = await create();
    expect(await state.addMember('a', 'presence-r', 'u1', { name: 'One' })).toBe(1);
    expect(await state.addMember('a', 'presence-r', 'u1', { name: 'Changed' })).toBe(2);
    expect(await state.addMember('a', 'presence-r', 'u2', null)).toBe(1);
    expect(await state.memberCount('a', 'presence-r')).toBe(2);
    expect(await state.members('a', 'presence-r')).toEqual(
      new Map<string, unknown>([
        ['u1', { name: 'One' }],
        ['u2', null],
      ]),
    );
    expect(await state.removeMember('a', 'presence-r', 'u1')).toBe(1);
    expect(await state.isMember('a', 'presence-r', 'u1')).toBe(true);
    expect(await state.removeMember('a', 'presence-r', 'u1')).toBe(0);
    expect(await state.isMember('a', 'presence-r', 'u1')).toBe(false);
    expect(await state.removeMember('a', 'presence-r', 'u1')).toBe(-1);
    expect([...(await state.members('a', 'presence-r')).keys()]).toEqual(['u2']);
    await close();
  });

  it("replaces a present member's user_info once (the first of racing callers), never a missing member's", async () => {
    const { state, close } = await create();
    await state.addMember('a', 'presence-u', 'u1', { name: 'One', role: 'sales' });
    await state.addMember('a', 'presence-u', 'u1', { name: 'One', role: 'sales' });
    const racing = await Promise.all(
      [1, 2, 3].map(() => state.updateMember('a', 'presence-u', 'u1', { name: 'One', role: 'viewer' })),
    );
    expect(racing.filter(Boolean)).toHaveLength(1);
    expect(await state.updateMember('a', 'presence-u', 'u1', { name: 'One', role: 'viewer' })).toBe(false);
    expect(await state.members('a', 'presence-u')).toEqual(
      new Map<string, unknown>([['u1', { name: 'One', role: 'viewer' }]]),
    );
    expect(await state.memberCount('a', 'presence-u')).toBe(1);
    expect(await state.updateMember('a', 'presence-u', 'u9', { name: 'Nine' })).toBe(false);
    expect(await state.isMember('a', 'presence-u', 'u9')).toBe(false);
    await close();
  });

  it('refuses a new member atomically when the channel is full, never an existing one', async () => {
    const { state, close } = await create();
    expect(await state.addMember('a', 'presence-f', 'u1', {}, 2)).toBe(1);
    expect(await state.addMember('a', 'presence-f', 'u2', {}, 2)).toBe(1);
    expect(await state.addMember('a', 'presence-f', 'u3', {}, 2)).toBe('full');
    expect(await state.addMember('a', 'presence-f', 'u1', {}, 2)).toBe(2);
    expect(await state.memberCount('a', 'presence-f')).toBe(2);
    const racing = await Promise.all(
      ['x1', 'x2', 'x3'].map((u) => state.addMember('a', 'presence-g', u, {}, 2)),
    );
    expect(racing.filter((r) => r === 'full')).toHaveLength(1);
    await close();
  });

  it('counts connections per app', async () => {
    const { state, close } = await create();
    expect(await state.addConnection('a')).toBe(1);
    expect(await state.addConnection('a')).toBe(2);
    expect(await state.removeConnection('a')).toBe(1);
    await close();
  });
}
