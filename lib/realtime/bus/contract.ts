import { afterEach, describe, expect, it } from 'vitest';
import type { Member } from '../protocol';
import type { Bus, ConnectionRegistry, DedupeStore, HistoryStore, PresenceStore } from './types';

/**
 * One contract per backend interface, run against every implementation (memory and Redis). Each factory gives
 * fresh instances that share one backend, as the nodes of one deployment do.
 */
export type ContractFactories = {
  bus(nodeId: string): Bus;
  history(options: { size: number; ttlSeconds: number }): HistoryStore;
  presence(ttlSeconds: number): PresenceStore;
  dedupe(ttlMs: number): DedupeStore;
  /** A registry over the same backend, whose node liveness is the given presence store's. */
  connections(presence: PresenceStore): ConnectionRegistry;
};

const template = (n: number) => ({
  head: '{"type":"event","channel":"c","epoch":"',
  tail: `,"data":${n},"ts":1}`,
});

/** A member as the stores keep it (the contract's and the memory tests' fixture). */
export function member(userId: string, extra: Partial<Member> = {}): Member {
  return { userId, name: userId, role: 'sales', status: 'online', connections: 1, updatedAt: 1, ...extra };
}

export function runBackendContracts(name: string, factories: () => ContractFactories) {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });
  function track<T extends { close(): Promise<void> }>(thing: T): T {
    cleanup.push(() => thing.close());
    return thing;
  }

  describe(`${name}: bus`, () => {
    it('delivers to other nodes in order and never echoes to the sender', async () => {
      const f = factories();
      const a = track(f.bus('node-a'));
      const b = track(f.bus('node-b'));
      const c = track(f.bus('node-c'));
      const got: Record<string, string[]> = { a: [], b: [], c: [] };
      a.onMessage((topic, payload, from) => got.a!.push(`${from}/${topic}/${payload}`));
      b.onMessage((topic, payload, from) => got.b!.push(`${from}/${topic}/${payload}`));
      c.onMessage((topic, payload, from) => got.c!.push(`${from}/${topic}/${payload}`));
      await expect.poll(() => a.healthy() && b.healthy() && c.healthy()).toBe(true);
      // The subscription may take a moment after the connection is ready: wait until a probe arrives.
      await expect
        .poll(async () => {
          await a.publish('probe', 'x');
          return got.b!.length > 0 && got.c!.length > 0;
        })
        .toBe(true);
      const topicT = (list: string[]) => list.filter((m) => m.startsWith('node-a/t/'));
      for (let i = 0; i < 50; i++) await a.publish('t', `m${i}\nwith newline`);
      await expect.poll(() => topicT(got.b!).length).toBe(50);
      await expect.poll(() => topicT(got.c!).length).toBe(50);
      expect(topicT(got.b!)).toEqual(Array.from({ length: 50 }, (_, i) => `node-a/t/m${i}\nwith newline`));
      expect(got.a!.filter((m) => m.startsWith('node-a/'))).toEqual([]);
    });
  });

  describe(`${name}: history`, () => {
    it('assigns gap-free seq under concurrency, one epoch per channel', async () => {
      const f = factories();
      const one = track(f.history({ size: 100, ttlSeconds: 60 }));
      const two = track(f.history({ size: 100, ttlSeconds: 60 }));
      const head = await one.head('ch1');
      expect(head.seq).toBe(0);
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) => (i % 2 ? one : two).append('ch1', template(i), Date.now())),
      );
      expect(results.map((r) => r.seq).sort((x, y) => x - y)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      expect(new Set(results.map((r) => r.epoch))).toEqual(new Set([head.epoch]));
      expect(results[0]!.frame).toContain(`"epoch":"${head.epoch}","seq":${results[0]!.seq},"data":0`);
      expect(await two.head('ch1')).toEqual({ epoch: head.epoch, seq: 40 });
      expect((await one.head('other')).epoch).not.toBe(head.epoch);
    });

    it('returns ranges in order, and null when the count bound dropped part of them', async () => {
      const f = factories();
      const store = track(f.history({ size: 5, ttlSeconds: 60 }));
      const { epoch } = await store.head('ch2');
      for (let i = 1; i <= 8; i++) await store.append('ch2', template(i), Date.now());
      const kept = await store.range('ch2', epoch, 3, 8);
      expect(kept?.map((e) => e.seq)).toEqual([4, 5, 6, 7, 8]);
      expect(kept?.[0]?.frame).toContain('"data":4');
      expect(await store.range('ch2', epoch, 8, 8)).toEqual([]);
      expect(await store.range('ch2', epoch, 2, 8)).toBeNull();
      expect(await store.range('ch2', 'another-epoch', 3, 8)).toBeNull();
    });

    it('treats events older than the age bound as gone', async () => {
      const f = factories();
      const store = track(f.history({ size: 100, ttlSeconds: 1 }));
      const { epoch } = await store.head('ch3');
      await store.append('ch3', template(1), Date.now() - 5_000);
      await store.append('ch3', template(2), Date.now());
      expect(await store.range('ch3', epoch, 0, 2)).toBeNull();
      expect((await store.range('ch3', epoch, 1, 2))?.map((e) => e.seq)).toEqual([2]);
    });
  });

  describe(`${name}: presence`, () => {
    it('lists the entries of live nodes and forgets a node that stops heartbeating', async () => {
      const f = factories();
      const store = track(f.presence(1));
      await store.heartbeat('n1');
      await store.heartbeat('n2');
      await store.set('t:order:1', 'n1', 'u1', { v: 1, member: member('u1') });
      await store.set('t:order:1', 'n2', 'u1', { v: 1, member: member('u1', { status: 'away' }) });
      await store.set('t:order:1', 'n2', 'u2', { v: 2, member: member('u2') });
      const listed = await store.list('t:order:1');
      expect(listed.map((e) => `${e.nodeId}/${e.userId}`).sort()).toEqual(['n1/u1', 'n2/u1', 'n2/u2']);
      await store.set('t:order:1', 'n2', 'u2', null);
      expect((await store.list('t:order:1')).map((e) => e.userId).sort()).toEqual(['u1', 'u1']);
      await store.dropNode('n2');
      expect((await store.list('t:order:1')).map((e) => e.nodeId)).toEqual(['n1']);
      expect(await store.isAlive('n1')).toBe(true);
      await expect.poll(() => store.isAlive('n1')).toBe(false);
      expect(await store.list('t:order:1')).toEqual([]);
    });
  });

  describe(`${name}: connections`, () => {
    it("lists a user's connections of every live node and forgets a node that stops heartbeating", async () => {
      const f = factories();
      const presence = track(f.presence(1));
      const onA = track(f.connections(presence));
      const onB = track(f.connections(presence));
      await presence.heartbeat('n1');
      await presence.heartbeat('n2');
      await onA.add('t1:u1', { connectionId: 'c1', nodeId: 'n1', userId: 'u1', connectedAt: 10 });
      await onB.add('t1:u1', { connectionId: 'c2', nodeId: 'n2', userId: 'u1', connectedAt: 20 });
      await onB.add('t1:u1', {
        connectionId: 'c2',
        nodeId: 'n2',
        userId: 'u1',
        connectedAt: 20,
        device: 'mobile',
      });
      await onB.add('t1:u2', { connectionId: 'c3', nodeId: 'n2', userId: 'u2', connectedAt: 30 });
      await onB.add('t2:u1', { connectionId: 'c4', nodeId: 'n2', userId: 'u1', connectedAt: 40 });
      const listed = await onA.list('t1:u1');
      expect(listed.sort((x, y) => x.connectedAt - y.connectedAt)).toEqual([
        { connectionId: 'c1', nodeId: 'n1', userId: 'u1', connectedAt: 10 },
        { connectionId: 'c2', nodeId: 'n2', userId: 'u1', connectedAt: 20, device: 'mobile' },
      ]);
      expect((await onA.list('t2:u1')).map((e) => e.connectionId)).toEqual(['c4']);
      await onB.remove('t1:u1', 'c2');
      expect((await onA.list('t1:u1')).map((e) => e.connectionId)).toEqual(['c1']);
      await presence.dropNode('n2');
      expect(await onA.list('t1:u2')).toEqual([]);
      expect(await onA.list('t2:u1')).toEqual([]);
      expect((await onB.list('t1:u1')).map((e) => e.connectionId)).toEqual(['c1']);
      // n1 stops heartbeating: its entries vanish with the presence TTL, nobody removes them.
      await expect.poll(() => onB.list('t1:u1')).toEqual([]);
      expect(await onA.list('nobody')).toEqual([]);
    });
  });

  describe(`${name}: dedupe`, () => {
    it('claims an id once per user, hands back the stored ack, and forgets after the TTL', async () => {
      const f = factories();
      const store = track(f.dedupe(300));
      expect(await store.claim('u1', 'm1')).toEqual({ state: 'new' });
      expect(await store.claim('u1', 'm1')).toEqual({ state: 'pending' });
      expect(await store.claim('u2', 'm1')).toEqual({ state: 'new' });
      await store.complete('u1', 'm1', '{"ack":1}');
      expect(await store.claim('u1', 'm1')).toEqual({ state: 'done', ack: '{"ack":1}' });
      await store.release('u2', 'm1');
      expect(await store.claim('u2', 'm1')).toEqual({ state: 'new' });
      await expect.poll(() => store.claim('u1', 'm1')).toEqual({ state: 'new' });
    });
  });
}
