import { describe, expect, it, vi } from 'vitest';
import { batchedUserReader, createUserDirectory, type StoredUser } from './user-directory';

const user = (role: StoredUser['role'], sessionVersion = 1): StoredUser => ({
  id: 'u1',
  tenantId: 't1',
  name: 'Anna',
  role,
  active: true,
  sessionVersion,
});

/** A database whose reads the test releases one by one. */
function controlledStore(initial: StoredUser | null) {
  let row = initial;
  const pending: Array<() => void> = [];
  let reads = 0;
  return {
    set(next: StoredUser | null) {
      row = next;
    },
    get reads() {
      return reads;
    },
    releaseOne() {
      pending.shift()?.();
    },
    read: () => {
      reads++;
      const seen = row;
      return new Promise<StoredUser | null>((resolve) => pending.push(() => resolve(seen)));
    },
  };
}

describe('user directory', () => {
  it('serves from its cache until the user is forgotten, then reads again', async () => {
    const store = controlledStore(user('sales'));
    const directory = createUserDirectory(store.read);
    const first = directory.load('t1', 'u1');
    store.releaseOne();
    expect(await first).toMatchObject({ role: 'sales' });
    expect(await directory.load('t1', 'u1')).toMatchObject({ role: 'sales' });
    expect(store.reads).toBe(1);
    store.set(user('viewer'));
    directory.forget('t1', 'u1');
    const second = directory.load('t1', 'u1');
    store.releaseOne();
    expect(await second).toMatchObject({ role: 'viewer' });
    expect(store.reads).toBe(2);
  });

  it('does not cache a read that raced with a forget: it reads again', async () => {
    const store = controlledStore(user('sales'));
    const directory = createUserDirectory(store.read);
    const racing = directory.load('t1', 'u1');
    // The role changes and the invalidation arrives while the first read is still under way.
    store.set(user('viewer'));
    directory.forget('t1', 'u1');
    store.releaseOne();
    await expect.poll(() => store.reads).toBe(2);
    store.releaseOne();
    expect(await racing).toMatchObject({ role: 'viewer' });
    expect(await directory.load('t1', 'u1')).toMatchObject({ role: 'viewer' });
    expect(store.reads).toBe(2);
  });

  it('forgetAll (bus reconnected) drops every entry and restarts reads under way', async () => {
    const store = controlledStore(user('sales'));
    const directory = createUserDirectory(store.read);
    const racing = directory.load('t1', 'u1');
    store.set(null);
    directory.forgetAll();
    store.releaseOne();
    await expect.poll(() => store.reads).toBe(2);
    store.releaseOne();
    expect(await racing).toBeNull();
  });
});

describe('batched user reader', () => {
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const stored = (n: number, tenantId = 't1'): StoredUser => ({
    id: id(n),
    tenantId,
    name: `User ${n}`,
    role: 'sales',
    active: true,
    sessionVersion: 1,
  });

  it('reads the users asked for together in one query, and those asked for meanwhile in the next', async () => {
    const queries: string[][] = [];
    const release: Array<() => void> = [];
    const read = batchedUserReader(async (userIds) => {
      queries.push(userIds);
      await new Promise<void>((resolve) => release.push(resolve));
      return userIds.map((userId) => stored(Number(userId.slice(-12))));
    });
    const first = [read('t1', id(1)), read('t1', id(2)), read('t1', id(2))];
    await expect.poll(() => queries.length).toBe(1);
    const second = [read('t1', id(3)), read('t1', id(4))];
    release.shift()?.();
    expect((await Promise.all(first)).map((user) => user?.id)).toEqual([id(1), id(2), id(2)]);
    await expect.poll(() => queries.length).toBe(2);
    release.shift()?.();
    expect((await Promise.all(second)).map((user) => user?.name)).toEqual(['User 3', 'User 4']);
    expect(queries).toEqual([
      [id(1), id(2)],
      [id(3), id(4)],
    ]);
  });

  it('in a storm, waits a moment for more before the next query (reads asked one per turn go together)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'setImmediate', 'Date'] });
    try {
      const queries: string[][] = [];
      const read = batchedUserReader(
        async (userIds) => {
          queries.push(userIds);
          return userIds.map((userId) => stored(Number(userId.slice(-12))));
        },
        { gatherMs: 2, stormGapMs: 10 },
      );
      // Quiet: the first read goes at the next turn, alone.
      const first = read('t1', id(1));
      await vi.advanceTimersByTimeAsync(0);
      expect(await first).toMatchObject({ id: id(1) });
      expect(queries).toEqual([[id(1)]]);
      // Right after it (a storm): reads asked a turn apart wait for each other, up to gatherMs.
      const storm = [read('t1', id(2))];
      await vi.advanceTimersByTimeAsync(1);
      storm.push(read('t1', id(3)));
      await vi.advanceTimersByTimeAsync(1);
      expect((await Promise.all(storm)).map((user) => user?.id)).toEqual([id(2), id(3)]);
      expect(queries).toEqual([[id(1)], [id(2), id(3)]]);
      // Quiet again (longer than stormGapMs since the last query): no wait.
      await vi.advanceTimersByTimeAsync(50);
      const later = read('t1', id(4));
      await vi.advanceTimersByTimeAsync(0);
      expect(await later).toMatchObject({ id: id(4) });
      expect(queries).toHaveLength(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers null for another tenant's user and for an id that is not a UUID (without a query)", async () => {
    const queries: string[][] = [];
    const read = batchedUserReader(async (userIds) => {
      queries.push(userIds);
      return [stored(1, 't2')];
    });
    expect(await read('t1', id(1))).toBeNull();
    expect(await read('t2', id(1))).toMatchObject({ id: id(1), tenantId: 't2' });
    expect(await read('t1', 'nobody')).toBeNull();
    expect(queries).toHaveLength(2);
  });

  it('rejects every read of a batch whose query failed, and reads again afterwards', async () => {
    let fail = true;
    const read = batchedUserReader(async (userIds) => {
      if (fail) throw new Error('database unavailable');
      return userIds.map((userId) => stored(Number(userId.slice(-12))));
    });
    const results = await Promise.allSettled([read('t1', id(1)), read('t1', id(2))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect(await read('t1', id(1))).toMatchObject({ id: id(1) });
  });
});
