import { describe, expect, it } from 'vitest';
import { createUserDirectory, type StoredUser } from './user-directory';

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
