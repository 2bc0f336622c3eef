import type { ConnectionEntry, ConnectionRegistry, PresenceStore } from './types';

/** The connections of every node sharing this store; a node is alive as long as the presence store says so. */
export class MemoryConnections implements ConnectionRegistry {
  private readonly users = new Map<string, Map<string, ConnectionEntry>>();

  constructor(private readonly nodes: Pick<PresenceStore, 'isAlive'>) {}

  add(userKey: string, entry: ConnectionEntry): undefined {
    let entries = this.users.get(userKey);
    if (!entries) {
      entries = new Map();
      this.users.set(userKey, entries);
    }
    entries.set(entry.connectionId, { ...entry });
  }

  remove(userKey: string, connectionId: string): undefined {
    const entries = this.users.get(userKey);
    entries?.delete(connectionId);
    if (entries?.size === 0) this.users.delete(userKey);
  }

  async list(userKey: string): Promise<ConnectionEntry[]> {
    const entries = this.users.get(userKey);
    if (!entries) return [];
    const live: ConnectionEntry[] = [];
    for (const [id, entry] of [...entries]) {
      if (await this.nodes.isAlive(entry.nodeId)) live.push({ ...entry });
      else entries.delete(id);
    }
    if (entries.size === 0) this.users.delete(userKey);
    return live;
  }

  async close(): Promise<void> {}
}
