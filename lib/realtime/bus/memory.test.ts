import { runBackendContracts } from './contract';
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
