import type { Orphans, PusherState } from './types';

type AppState = {
  subscriptions: Map<string, number>;
  members: Map<string, Map<string, { count: number; info: unknown }>>;
  connections: number;
};

/** One process: plain maps, nothing to sweep. */
export class MemoryPusherState implements PusherState {
  readonly kind = 'memory' as const;
  readonly #apps = new Map<string, AppState>();

  #app(appId: string): AppState {
    let app = this.#apps.get(appId);
    if (!app) {
      app = { subscriptions: new Map(), members: new Map(), connections: 0 };
      this.#apps.set(appId, app);
    }
    return app;
  }

  async addSubscription(appId: string, channel: string): Promise<number> {
    const subs = this.#app(appId).subscriptions;
    const count = (subs.get(channel) ?? 0) + 1;
    subs.set(channel, count);
    return count;
  }

  async removeSubscription(appId: string, channel: string): Promise<number> {
    const subs = this.#app(appId).subscriptions;
    const current = subs.get(channel);
    if (current === undefined) return -1;
    const count = current - 1;
    if (count === 0) subs.delete(channel);
    else subs.set(channel, count);
    return count;
  }

  async addMember(
    appId: string,
    channel: string,
    userId: string,
    userInfo: unknown,
    maxMembers = Number.POSITIVE_INFINITY,
  ): Promise<number | 'full'> {
    const all = this.#app(appId).members;
    let members = all.get(channel);
    if (!members?.has(userId) && (members?.size ?? 0) >= maxMembers) return 'full';
    if (!members) {
      members = new Map();
      all.set(channel, members);
    }
    const entry = members.get(userId) ?? { count: 0, info: userInfo };
    entry.count += 1;
    members.set(userId, entry);
    return entry.count;
  }

  async updateMember(appId: string, channel: string, userId: string, userInfo: unknown): Promise<boolean> {
    const entry = this.#app(appId).members.get(channel)?.get(userId);
    if (!entry || JSON.stringify(entry.info ?? null) === JSON.stringify(userInfo ?? null)) return false;
    entry.info = userInfo;
    return true;
  }

  async removeMember(appId: string, channel: string, userId: string): Promise<number> {
    const members = this.#app(appId).members.get(channel);
    const entry = members?.get(userId);
    if (!members || !entry) return -1;
    entry.count -= 1;
    if (entry.count > 0) return entry.count;
    members.delete(userId);
    if (members.size === 0) this.#app(appId).members.delete(channel);
    return 0;
  }

  async members(appId: string, channel: string): Promise<Map<string, unknown>> {
    const members = this.#app(appId).members.get(channel);
    return new Map([...(members ?? [])].map(([userId, entry]) => [userId, entry.info]));
  }

  async memberCount(appId: string, channel: string): Promise<number> {
    return this.#app(appId).members.get(channel)?.size ?? 0;
  }

  async isMember(appId: string, channel: string, userId: string): Promise<boolean> {
    return this.#app(appId).members.get(channel)?.has(userId) ?? false;
  }

  async subscriptionCount(appId: string, channel: string): Promise<number> {
    return this.#app(appId).subscriptions.get(channel) ?? 0;
  }

  async channels(appId: string): Promise<Map<string, number>> {
    return new Map(this.#app(appId).subscriptions);
  }

  async addConnection(appId: string): Promise<number> {
    const app = this.#app(appId);
    app.connections += 1;
    return app.connections;
  }

  async removeConnection(appId: string): Promise<number> {
    const app = this.#app(appId);
    app.connections = Math.max(0, app.connections - 1);
    return app.connections;
  }

  onOrphans(_handler: (orphans: Orphans) => void): void {
    // A single process has no other node that could die.
  }

  async close(): Promise<void> {}
}
