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

describe('user directory: tenant rosters', () => {
  const member = (n: number, role: StoredUser['role'] = 'sales'): StoredUser => ({
    id: `u${n}`,
    tenantId: 't1',
    name: `User ${n}`,
    role,
    active: true,
    sessionVersion: 1,
  });

  /** Per-user reads answer at once; roster reads wait for the test to release them. */
  function withRoster(rows: StoredUser[], rosterLimit = 100) {
    const byId = new Map(rows.map((row) => [row.id, row]));
    const userReads: string[] = [];
    const rosterReads: Array<{ tenantId: string; limit: number; release(fail?: boolean): void }> = [];
    const directory = createUserDirectory(
      async (tenantId, userId) => {
        userReads.push(userId);
        const row = byId.get(userId);
        return row && row.tenantId === tenantId ? { ...row } : null;
      },
      {
        rosterLimit,
        readRoster: (tenantId, limit) =>
          new Promise((resolve, reject) => {
            // What the database holds when the read is released, as a query would see it.
            rosterReads.push({
              tenantId,
              limit,
              release: (fail = false) =>
                fail
                  ? reject(new Error('database unavailable'))
                  : resolve(
                      [...byId.values()]
                        .filter((row) => row.tenantId === tenantId)
                        .map((row) => ({ ...row })),
                    ),
            });
          }),
      },
    );
    return { directory, byId, userReads, rosterReads };
  }

  it("reads a tenant's roster once, on its first miss, and serves the tenant's other people from it", async () => {
    const { directory, userReads, rosterReads } = withRoster([member(1), member(2), member(3)]);
    expect(await directory.load('t1', 'u1')).toMatchObject({ id: 'u1' });
    expect(rosterReads.map((read) => read.tenantId)).toEqual(['t1']);
    expect(directory.peek('t1', 'u2')).toBeUndefined();
    rosterReads[0]!.release();
    await expect.poll(() => directory.peek('t1', 'u2')).toMatchObject({ name: 'User 2' });
    expect(await directory.load('t1', 'u3')).toMatchObject({ id: 'u3' });
    // A user the roster did not have (made since) is read alone; the roster is not read again.
    expect(await directory.load('t1', 'u9')).toBeNull();
    expect(userReads).toEqual(['u1', 'u9']);
    expect(rosterReads).toHaveLength(1);
  });

  it('does not take from a roster a user forgotten while it was read, nor replace an entry already cached', async () => {
    const { directory, byId, userReads, rosterReads } = withRoster([member(1), member(2), member(3)]);
    await directory.load('t1', 'u1');
    // While the roster is read: u2 becomes a viewer (the invalidation arrives), and u3 is read alone.
    byId.set('u3', member(3, 'admin'));
    expect(await directory.load('t1', 'u3')).toMatchObject({ role: 'admin' });
    byId.set('u3', member(3, 'viewer'));
    directory.forget('t1', 'u2');
    const roster = rosterReads[0]!;
    // The roster saw u2 before the change: released with the old row.
    byId.set('u2', member(2, 'sales'));
    roster.release();
    await expect.poll(() => directory.peek('t1', 'u1')).toBeDefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(directory.peek('t1', 'u2')).toBeUndefined();
    expect(directory.peek('t1', 'u3')).toMatchObject({ role: 'admin' });
    byId.set('u2', member(2, 'viewer'));
    expect(await directory.load('t1', 'u2')).toMatchObject({ role: 'viewer' });
    expect(userReads).toEqual(['u1', 'u3', 'u2']);
  });

  it('takes nothing from a roster read across a forgetAll, and reads rosters again after it', async () => {
    const { directory, rosterReads } = withRoster([member(1), member(2)]);
    await directory.load('t1', 'u1');
    directory.forgetAll();
    rosterReads[0]!.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(directory.peek('t1', 'u2')).toBeUndefined();
    await directory.load('t1', 'u1');
    expect(rosterReads).toHaveLength(2);
    rosterReads[1]!.release();
    await expect.poll(() => directory.peek('t1', 'u2')).toMatchObject({ id: 'u2' });
  });

  it('holds no roster of a tenant over the limit (asks for one row more to tell), and never asks again', async () => {
    const { directory, rosterReads, userReads } = withRoster([member(1), member(2), member(3)], 2);
    await directory.load('t1', 'u1');
    expect(rosterReads[0]!.limit).toBe(2);
    rosterReads[0]!.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(directory.peek('t1', 'u2')).toBeUndefined();
    await directory.load('t1', 'u2');
    expect(rosterReads).toHaveLength(1);
    expect(userReads).toEqual(['u1', 'u2']);
  });

  it('after a failed roster read, users are still read alone and the next miss tries the roster again', async () => {
    const { directory, rosterReads } = withRoster([member(1), member(2), member(3)]);
    await directory.load('t1', 'u1');
    rosterReads[0]!.release(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await directory.load('t1', 'u2')).toMatchObject({ id: 'u2' });
    expect(rosterReads).toHaveLength(2);
    rosterReads[1]!.release();
    await expect.poll(() => directory.peek('t1', 'u3')).toMatchObject({ id: 'u3' });
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
