import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaseRequest } from '../../strategies/lease';
import type { LockStore } from './lock-store';

export type LockStoreHarness = { store: LockStore; cleanup(): Promise<void> };

const request = (key: string, userId: string, userName = userId): LeaseRequest => ({
  key,
  section: 'status',
  userId,
  userName,
  token: randomUUID(),
  connectionId: `conn-${userId}`,
});

/** The behaviour every lock store promises; run against each implementation. */
export function lockStoreContract(name: string, create: () => Promise<LockStoreHarness>) {
  describe(`lock store contract: ${name}`, () => {
    let harness: LockStoreHarness;
    let key: string;
    beforeEach(async () => {
      harness = await create();
      key = `t:order:${randomUUID()}:status`;
    });
    afterEach(() => harness.cleanup());

    it('gives a free section to the first user and refuses the second', async () => {
      const first = await harness.store.acquire(request(key, 'anna'), 30_000);
      expect(first.ok).toBe(true);
      const second = await harness.store.acquire(request(key, 'napa'), 30_000);
      expect(second).toMatchObject({ ok: false, holder: { userId: 'anna' } });
      expect(await harness.store.get(key)).toMatchObject({ userId: 'anna' });
    });

    it('lets the holder re-acquire and renew, keeping the token', async () => {
      const first = await harness.store.acquire(request(key, 'anna'), 30_000);
      const again = await harness.store.acquire(request(key, 'anna'), 60_000);
      expect(again.ok && first.ok && again.lease.token === first.lease.token).toBe(true);
      const renewed = await harness.store.renew(key, 'anna', 90_000);
      expect(renewed?.token).toBe(first.ok ? first.lease.token : '');
      expect(await harness.store.renew(key, 'napa', 90_000)).toBeNull();
    });

    it('releases only for the holder', async () => {
      await harness.store.acquire(request(key, 'anna'), 30_000);
      expect(await harness.store.release(key, 'napa')).toBe(false);
      expect(await harness.store.get(key)).not.toBeNull();
      expect(await harness.store.release(key, 'anna')).toBe(true);
      expect(await harness.store.get(key)).toBeNull();
      expect((await harness.store.acquire(request(key, 'napa'), 30_000)).ok).toBe(true);
    });

    it('force-releases whoever holds it', async () => {
      await harness.store.acquire(request(key, 'anna'), 30_000);
      expect(await harness.store.forceRelease(key)).toMatchObject({ userId: 'anna' });
      expect(await harness.store.get(key)).toBeNull();
      expect(await harness.store.forceRelease(key)).toBeNull();
    });

    it('lists the live leases of several keys', async () => {
      const other = `${key}-other`;
      await harness.store.acquire(request(key, 'anna'), 30_000);
      await harness.store.acquire(request(other, 'napa'), 30_000);
      const leases = await harness.store.getMany([key, other, `${key}-free`]);
      expect(leases.map((lease) => lease.userId).sort()).toEqual(['anna', 'napa']);
    });

    it('lets a lease expire so another user can take it', async () => {
      await harness.store.acquire(request(key, 'anna'), 150);
      await expect
        .poll(async () => (await harness.store.acquire(request(key, 'napa'), 30_000)).ok)
        .toBe(true);
      expect(await harness.store.get(key)).toMatchObject({ userId: 'napa' });
    });
  });
}
