import { z } from 'zod';
import type { Logger } from '../../logger';
import type { Bus, PresenceStore } from '../bus';
import { type Member, member } from '../protocol';
import type { Clock, Scheduled } from './clock';
import { aggregate, type Holder, mergeMembers, UserAggregate, visiblyDifferent } from './member';

/** A presence delta from another node: scope, user, version, member (null: gone). */
const presenceDelta = z.object({ s: z.string(), u: z.string(), v: z.number(), m: member.loose().nullable() });

export type PresenceAction = 'join' | 'leave' | 'update';
export type PresenceChange = { tenantId: string; channel?: string; action: PresenceAction; member: Member };

type RemoteEntry = { v: number; member: Member };

/** One presence scope: a tenant-prefixed channel key (the tenant-wide scope is the `presence` channel's key). */
class Scope {
  readonly local = new Map<string, Set<Holder>>();
  /** userId -> nodeId -> that node's entry; null while nobody on this node listens to the scope. */
  remote: Map<string, Map<string, RemoteEntry>> | null = null;
  readonly merged = new Map<string, Member>();
  /** This node's aggregate per user, as last published, and the running tally it is made from. */
  readonly localAggregate = new Map<string, Member>();
  readonly tallies = new Map<string, UserAggregate>();
  listeners = 0;
  loading = false;
  ready: Promise<void> = Promise.resolve();
  readonly lastSent = new Map<string, number>();
  readonly timers = new Map<string, Scheduled>();

  constructor(
    readonly key: string,
    readonly tenantId: string,
    readonly channel: string | undefined,
  ) {}
}

export type PresenceTrackerDeps = {
  nodeId: string;
  bus: Bus;
  store: PresenceStore;
  logger: Logger;
  ttlMs: number;
  cursorThrottleMs: number;
  clock: Clock;
  /** Hands a presence change to this node's listeners of the scope. */
  emit(scopeKey: string, change: PresenceChange): void;
};

/**
 * Presence across nodes: this node's connections are aggregated per user and written to the store and the bus
 * (one entry per user per node); listened scopes keep a replica of the other nodes' entries, merged per user, so
 * join and leave fire once per user however many tabs and nodes they use. Nodes that stop heartbeating are
 * dropped after the TTL.
 */
export class PresenceTracker {
  private readonly scopes = new Map<string, Scope>();
  private readonly nodesSeen = new Map<string, number>();
  private version = 0;
  private readonly hooks: Array<(change: PresenceChange) => void> = [];

  constructor(private readonly deps: PresenceTrackerDeps) {}

  onChange(hook: (change: PresenceChange) => void): () => void {
    this.hooks.push(hook);
    return () => {
      const at = this.hooks.indexOf(hook);
      if (at >= 0) this.hooks.splice(at, 1);
    };
  }

  private scope(key: string, tenantId: string, channel: string | undefined): Scope {
    let scope = this.scopes.get(key);
    if (!scope) {
      scope = new Scope(key, tenantId, channel);
      this.scopes.set(key, scope);
    }
    return scope;
  }

  private forget(scope: Scope): void {
    if (scope.local.size === 0 && scope.listeners === 0) {
      for (const timer of scope.timers.values()) timer.cancel();
      this.scopes.delete(scope.key);
    }
  }

  join(key: string, tenantId: string, channel: string | undefined, holder: Holder): void {
    const scope = this.scope(key, tenantId, channel);
    const userId = holder.conn.user.id;
    let holders = scope.local.get(userId);
    if (!holders) {
      holders = new Set();
      scope.local.set(userId, holders);
    }
    holders.add(holder);
    let tally = scope.tallies.get(userId);
    if (!tally) {
      tally = new UserAggregate(!scope.channel);
      scope.tallies.set(userId, tally);
    }
    tally.add(holder);
    this.publishLocal(scope, userId, tally.member() ?? undefined);
  }

  leave(key: string, holder: Holder): void {
    const scope = this.scopes.get(key);
    if (!scope) return;
    const userId = holder.conn.user.id;
    const holders = scope.local.get(userId);
    if (!holders?.delete(holder)) return;
    if (holders.size === 0) scope.local.delete(userId);
    const tally = scope.tallies.get(userId);
    if (holders.size === 0) scope.tallies.delete(userId);
    else if (tally?.remove(holder)) {
      this.publishLocal(scope, userId, tally.member() ?? undefined);
      this.forget(scope);
      return;
    }
    this.publishLocal(scope, userId);
    this.forget(scope);
  }

  /** A holder's fields or its connection's status changed; cursor-only moves are throttled. */
  changed(key: string, userId: string, cursorOnly: boolean): void {
    const scope = this.scopes.get(key);
    if (!scope?.local.has(userId)) return;
    if (!cursorOnly) {
      this.publishLocal(scope, userId);
      return;
    }
    const wait = (scope.lastSent.get(userId) ?? 0) + this.deps.cursorThrottleMs - this.deps.clock.now();
    if (wait <= 0) {
      this.publishLocal(scope, userId);
      return;
    }
    if (scope.timers.has(userId)) return;
    const timer = this.deps.clock.setTimeout(() => {
      scope.timers.delete(userId);
      if (scope.local.has(userId)) this.publishLocal(scope, userId);
    }, wait);
    scope.timers.set(userId, timer);
  }

  private publishLocal(scope: Scope, userId: string, known?: Member): void {
    const holders = scope.local.get(userId);
    let member = known ?? null;
    if (!known && holders) {
      let tally = scope.tallies.get(userId);
      if (!tally) {
        tally = new UserAggregate(!scope.channel);
        scope.tallies.set(userId, tally);
      }
      tally.rebuild(holders);
      member = tally.member();
    }
    if (member) scope.localAggregate.set(userId, member);
    else scope.localAggregate.delete(userId);
    const v = ++this.version;
    scope.lastSent.set(userId, this.deps.clock.now());
    if (!member) scope.lastSent.delete(userId);
    const { store, bus, nodeId, logger } = this.deps;
    store.set(scope.key, nodeId, userId, member ? { v, member } : null)?.catch((error: Error) => {
      logger.warn({ err: error.message, scope: scope.key }, 'presence store write failed');
    });
    if (!bus.alone())
      bus
        .publish(
          'p',
          JSON.stringify({ s: scope.key, t: scope.tenantId, c: scope.channel, u: userId, v, m: member }),
        )
        .catch(() => {
          // The store write above reports the outage; peers resync from the store after reconnecting.
        });
    if (scope.remote) this.recompute(scope, userId);
  }

  /** Replicates the scope's remote entries while this node has listeners for it. */
  listen(key: string, tenantId: string, channel: string | undefined): Promise<void> {
    const scope = this.scope(key, tenantId, channel);
    scope.listeners++;
    if (scope.remote) return scope.ready;
    scope.remote = new Map();
    scope.loading = true;
    scope.ready = this.deps.store
      .list(key)
      .catch((error: Error) => {
        this.deps.logger.warn({ err: error.message, scope: key }, 'presence store read failed');
        return [];
      })
      .then((entries) => {
        const now = this.deps.clock.now();
        for (const entry of entries) {
          if (entry.nodeId === this.deps.nodeId) continue;
          this.nodesSeen.set(entry.nodeId, Math.max(this.nodesSeen.get(entry.nodeId) ?? 0, now));
          this.applyRemote(scope, entry.nodeId, entry.userId, { v: entry.v, member: entry.member });
        }
        scope.loading = false;
        const users = new Set([...scope.local.keys(), ...(scope.remote?.keys() ?? [])]);
        for (const userId of users) this.recompute(scope, userId, false);
      });
    return scope.ready;
  }

  unlisten(key: string): void {
    const scope = this.scopes.get(key);
    if (!scope || scope.listeners === 0) return;
    scope.listeners--;
    if (scope.listeners === 0) {
      scope.remote = null;
      scope.merged.clear();
    }
    this.forget(scope);
  }

  /** The merged members of a listened scope (what a subscriber is told when it subscribes). */
  members(key: string): Member[] {
    const scope = this.scopes.get(key);
    if (!scope) return [];
    if (scope.remote) return [...scope.merged.values()];
    const members: Member[] = [];
    for (const holders of scope.local.values()) {
      const member = aggregate(holders, !scope.channel);
      if (member) members.push(member);
    }
    return members;
  }

  /** Members of any scope, listened or not (reads the store for the other nodes). */
  async query(key: string): Promise<Member[]> {
    const scope = this.scopes.get(key);
    if (scope?.remote && !scope.loading) return [...scope.merged.values()];
    const byUser = new Map<string, Member[]>();
    for (const entry of await this.deps.store.list(key)) {
      if (entry.nodeId === this.deps.nodeId) continue;
      byUser.set(entry.userId, [...(byUser.get(entry.userId) ?? []), entry.member]);
    }
    for (const [userId, holders] of scope?.local ?? []) {
      const member = aggregate(holders, !scope?.channel);
      if (member) byUser.set(userId, [...(byUser.get(userId) ?? []), member]);
    }
    return [...byUser.values()].map((parts) => mergeMembers(parts)).filter((m): m is Member => m !== null);
  }

  /** A presence delta from another node. */
  receive(payload: string, fromNode: string): void {
    this.nodesSeen.set(fromNode, this.deps.clock.now());
    const delta = presenceDelta.safeParse(JSON.parse(payload)).data;
    if (!delta) return;
    const scope = this.scopes.get(delta.s);
    if (!scope?.remote) return;
    this.applyRemote(scope, fromNode, delta.u, delta.m ? { v: delta.v, member: delta.m } : null, delta.v);
    this.recompute(scope, delta.u, !scope.loading);
  }

  private applyRemote(
    scope: Scope,
    nodeId: string,
    userId: string,
    entry: RemoteEntry | null,
    v = entry?.v ?? 0,
  ): void {
    if (!scope.remote) return;
    let nodes = scope.remote.get(userId);
    const current = nodes?.get(nodeId);
    if (current && current.v > v) return;
    if (!entry) {
      nodes?.delete(nodeId);
      if (nodes?.size === 0) scope.remote.delete(userId);
      return;
    }
    if (!nodes) {
      nodes = new Map();
      scope.remote.set(userId, nodes);
    }
    nodes.set(nodeId, entry);
  }

  private recompute(scope: Scope, userId: string, emit = !scope.loading): void {
    const local = scope.localAggregate.get(userId);
    const remote = scope.remote?.get(userId);
    let next: Member | null = local ?? null;
    // Another node's entries are merged in; this node's aggregate alone is already one member (its tabs merged).
    if (remote?.size) {
      const parts = local ? [local] : [];
      for (const entry of remote.values()) parts.push(entry.member);
      next = mergeMembers(parts);
    }
    const previous = scope.merged.get(userId);
    if (next) scope.merged.set(userId, next);
    else scope.merged.delete(userId);
    if (!emit) return;
    let action: PresenceAction;
    let member: Member;
    if (!previous && next) {
      action = 'join';
      member = next;
    } else if (previous && !next) {
      action = 'leave';
      member = {
        ...previous,
        status: 'offline',
        connections: 0,
        cursor: null,
        updatedAt: this.deps.clock.now(),
      };
    } else if (previous && next && visiblyDifferent(previous, next)) {
      action = 'update';
      member = next;
    } else return;
    const change: PresenceChange = scope.channel
      ? { tenantId: scope.tenantId, channel: scope.channel, action, member }
      : { tenantId: scope.tenantId, action, member };
    this.deps.emit(scope.key, change);
    for (const hook of this.hooks) {
      try {
        hook(change);
      } catch (error) {
        this.deps.logger.error({ err: (error as Error).message }, 'presence hook failed');
      }
    }
  }

  nodeSeen(nodeId: string): void {
    this.nodesSeen.set(nodeId, this.deps.clock.now());
  }

  /** Drops the entries of nodes silent for the TTL (their process died) and of nodes that said goodbye. */
  dropNode(nodeId: string): void {
    this.nodesSeen.delete(nodeId);
    for (const scope of this.scopes.values()) {
      if (!scope.remote) continue;
      for (const [userId, nodes] of scope.remote) {
        if (!nodes.delete(nodeId)) continue;
        if (nodes.size === 0) scope.remote.delete(userId);
        this.recompute(scope, userId);
      }
    }
  }

  sweep(now: number, slackMs: number): void {
    for (const [nodeId, seen] of this.nodesSeen)
      if (now - seen > this.deps.ttlMs - slackMs) this.dropNode(nodeId);
  }

  /** After the store came back (a Redis restart empties it): write this node's entries again. */
  republish(): void {
    for (const scope of this.scopes.values())
      for (const userId of scope.local.keys()) this.publishLocal(scope, userId);
  }

  remoteNodes(): string[] {
    return [...this.nodesSeen.keys()];
  }

  /** Removes this node's entries at shutdown. */
  async clear(): Promise<void> {
    const writes: Promise<void>[] = [];
    for (const scope of this.scopes.values()) {
      for (const timer of scope.timers.values()) timer.cancel();
      for (const userId of scope.local.keys()) {
        const written = this.deps.store.set(scope.key, this.deps.nodeId, userId, null);
        if (written) writes.push(written.catch(() => {}));
      }
    }
    await Promise.all(writes);
  }
}
