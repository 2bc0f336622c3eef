import type { Member } from '../protocol';
import type { PresenceEntry, PresenceStore } from './types';

/** Presence entries of every node sharing this store (one in production; several in in-process tests). */
export class MemoryPresence implements PresenceStore {
  private readonly scopes = new Map<string, Map<string, PresenceEntry>>();
  private readonly nodes = new Map<string, number>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  set(scope: string, nodeId: string, userId: string, value: { v: number; member: Member } | null): undefined {
    const field = `${nodeId}|${userId}`;
    let entries = this.scopes.get(scope);
    if (!value) {
      entries?.delete(field);
      if (entries?.size === 0) this.scopes.delete(scope);
      return;
    }
    if (!entries) {
      entries = new Map();
      this.scopes.set(scope, entries);
    }
    entries.set(field, { nodeId, userId, v: value.v, member: value.member });
  }

  private alive(nodeId: string): boolean {
    const until = this.nodes.get(nodeId);
    return until !== undefined && until > this.now();
  }

  async list(scope: string): Promise<PresenceEntry[]> {
    const entries = this.scopes.get(scope);
    if (!entries) return [];
    const live: PresenceEntry[] = [];
    for (const [field, entry] of entries) {
      if (this.alive(entry.nodeId)) live.push(entry);
      else entries.delete(field);
    }
    return live;
  }

  async heartbeat(nodeId: string): Promise<void> {
    this.nodes.set(nodeId, this.now() + this.ttlSeconds * 1000);
  }

  async isAlive(nodeId: string): Promise<boolean> {
    return this.alive(nodeId);
  }

  async dropNode(nodeId: string): Promise<void> {
    this.nodes.delete(nodeId);
    for (const entries of this.scopes.values())
      for (const [field, entry] of entries) if (entry.nodeId === nodeId) entries.delete(field);
  }

  async close(): Promise<void> {}
}
