import { describe, expect, it } from 'vitest';
import { member, runBackendContracts } from './contract';
import { MemoryBroker, MemoryBus } from './memory-bus';
import { MemoryConnections } from './memory-connections';
import { MemoryDedupe } from './memory-dedupe';
import { MemoryHistory } from './memory-history';
import { MemoryPresence } from './memory-presence';

runBackendContracts('memory', () => {
  const broker = new MemoryBroker();
  let history: MemoryHistory | undefined;
  let presence: MemoryPresence | undefined;
  let dedupe: MemoryDedupe | undefined;
  let connections: MemoryConnections | undefined;
  // Instances of one "deployment" share the in-process state, as Redis clients share the server.
  return {
    bus: (nodeId) => new MemoryBus(nodeId, broker),
    history: (options) => {
      history ??= new MemoryHistory(options);
      return history;
    },
    presence: (ttl) => {
      presence ??= new MemoryPresence(ttl);
      return presence;
    },
    dedupe: (ttl) => {
      dedupe ??= new MemoryDedupe(ttl);
      return dedupe;
    },
    connections: (nodes) => {
      connections ??= new MemoryConnections(nodes);
      return connections;
    },
  };
});

describe('memory: answers in place', () => {
  // A join or a socket costs no promise on one node: the memory stores write at once and return nothing, which
  // the hub and the presence tracker rely on to skip the promise (and Next's async hooks) per connection.
  it('presence and connection writes return nothing and are read back at once', async () => {
    const presence = new MemoryPresence(60);
    const connections = new MemoryConnections(presence);
    await presence.heartbeat('n1');
    expect(presence.set('scope', 'n1', 'u1', { v: 1, member: member('u1') })).toBeUndefined();
    expect(
      connections.add('t:u1', { connectionId: 'c1', nodeId: 'n1', userId: 'u1', connectedAt: 1 }),
    ).toBeUndefined();
    expect((await presence.list('scope')).map((entry) => entry.userId)).toEqual(['u1']);
    expect((await connections.list('t:u1')).map((entry) => entry.connectionId)).toEqual(['c1']);
    expect(presence.set('scope', 'n1', 'u1', null)).toBeUndefined();
    expect(connections.remove('t:u1', 'c1')).toBeUndefined();
    expect(await presence.list('scope')).toEqual([]);
    expect(await connections.list('t:u1')).toEqual([]);
  });

  it('a message id is claimed, answered and released in place', () => {
    const dedupe = new MemoryDedupe(60_000);
    expect(dedupe.claim('u1', 'm1')).toEqual({ state: 'new' });
    expect(dedupe.claim('u1', 'm1')).toEqual({ state: 'pending' });
    expect(dedupe.complete('u1', 'm1', '{"type":"ack"}')).toBeUndefined();
    expect(dedupe.claim('u1', 'm1')).toEqual({ state: 'done', ack: '{"type":"ack"}' });
    expect(dedupe.claim('u1', 'm2')).toEqual({ state: 'new' });
    expect(dedupe.release('u1', 'm2')).toBeUndefined();
    expect(dedupe.claim('u1', 'm2')).toEqual({ state: 'new' });
    void dedupe.close();
  });
});
