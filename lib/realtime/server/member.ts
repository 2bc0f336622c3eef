import { MAX_MEMBER_PAGES, type Member, type PresenceStatus } from '../protocol';
import type { Connection, ScopeFields } from './connection';

/** A connection's presence in one scope: the connection plus its per-scope fields. */
export type Holder = { conn: Connection; fields: ScopeFields };

const rank: Record<PresenceStatus, number> = { offline: 0, away: 1, online: 2, busy: 3 };

/**
 * The pages a person has open, sorted and bounded: "N people viewing" counts everyone with the page open in any of
 * their tabs, on any node, whichever tab they used last (`location`, the newest tab's, says where they are now).
 */
function pagesOf(pages: Iterable<string>): string[] {
  return [...new Set(pages)].sort().slice(0, MAX_MEMBER_PAGES);
}

/** One member from several connections (tabs) or several nodes: the most present status, the newest fields. */
export function mergeMembers(parts: readonly Member[]): Member | null {
  let newest: Member | undefined;
  let status: PresenceStatus = 'offline';
  let connections = 0;
  let listed = false;
  for (const part of parts) {
    connections += part.connections;
    if (rank[part.status] > rank[status]) status = part.status;
    if (!newest || part.updatedAt > newest.updatedAt) newest = part;
    if (part.pages) listed = true;
  }
  if (!newest) return null;
  const member = { ...newest, status, connections };
  if (listed) member.pages = pagesOf(parts.flatMap((part) => part.pages ?? []));
  return member;
}

export function memberOf(holder: Holder): Member {
  const { conn, fields } = holder;
  const member: Member = {
    userId: conn.user.id,
    name: conn.user.name,
    role: conn.user.role,
    status: conn.status(),
    connections: 1,
    updatedAt: Math.max(fields.updatedAt, conn.lastActivity),
  };
  if (conn.presence.statusText !== undefined) member.statusText = conn.presence.statusText;
  if (conn.presence.device !== undefined) member.device = conn.presence.device;
  if (fields.location !== undefined) member.location = fields.location;
  if (fields.activity !== undefined) member.activity = fields.activity;
  if (fields.cursor !== undefined) member.cursor = fields.cursor;
  return member;
}

/**
 * One member from a user's connections (tabs) on this node; no allocation per tab (users may have many).
 * `withPages`: the member lists the pages of all its tabs (tenant-wide presence, where tabs are on pages).
 */
export function aggregate(holders: Iterable<Holder>, withPages = false): Member | null {
  let newest: Holder | undefined;
  let newestAt = -1;
  let status: PresenceStatus = 'offline';
  let connections = 0;
  const pages: string[] | null = withPages ? [] : null;
  for (const holder of holders) {
    connections++;
    const own = holder.conn.status();
    if (rank[own] > rank[status]) status = own;
    const at = Math.max(holder.fields.updatedAt, holder.conn.lastActivity);
    if (at > newestAt) {
      newestAt = at;
      newest = holder;
    }
    const page = holder.fields.location?.page;
    if (pages && page) pages.push(page);
  }
  if (!newest) return null;
  const member = { ...memberOf(newest), status, connections };
  if (pages) member.pages = pagesOf(pages);
  return member;
}

/** Whether anyone looking at the member would see a difference (the connection count alone is not broadcast). */
export function visiblyDifferent(a: Member, b: Member): boolean {
  return (
    a.status !== b.status ||
    a.statusText !== b.statusText ||
    a.device !== b.device ||
    a.role !== b.role ||
    a.name !== b.name ||
    a.activity !== b.activity ||
    JSON.stringify(a.location) !== JSON.stringify(b.location) ||
    a.pages?.join('\n') !== b.pages?.join('\n') ||
    JSON.stringify(a.cursor) !== JSON.stringify(b.cursor)
  );
}

/**
 * A user's aggregate over their tabs on this node, kept incrementally: a tab joining or leaving costs O(1) unless
 * the newest tab leaves (then the tabs are walked once). Statuses are counted as they were at the last add or
 * rebuild; a status change on a connection rebuilds.
 */
export class UserAggregate {
  private readonly counts = [0, 0, 0, 0];
  private newest: Holder | undefined;
  private newestAt = -1;
  private size = 0;
  /** Tabs per page, with `withPages` (tenant-wide presence); a page change of a tab is followed by a rebuild. */
  private readonly pages: Map<string, number> | null;

  constructor(withPages = false) {
    this.pages = withPages ? new Map() : null;
  }

  rebuild(holders: Iterable<Holder>): void {
    this.counts.fill(0);
    this.newest = undefined;
    this.newestAt = -1;
    this.size = 0;
    this.pages?.clear();
    for (const holder of holders) this.add(holder);
  }

  add(holder: Holder): void {
    this.counts[rank[holder.conn.status()]]!++;
    this.size++;
    const at = Math.max(holder.fields.updatedAt, holder.conn.lastActivity);
    if (at >= this.newestAt) {
      this.newestAt = at;
      this.newest = holder;
    }
    const page = holder.fields.location?.page;
    if (this.pages && page) this.pages.set(page, (this.pages.get(page) ?? 0) + 1);
  }

  /** False when the aggregate must be rebuilt from the remaining tabs. */
  remove(holder: Holder): boolean {
    if (holder === this.newest) return false;
    const r = rank[holder.conn.status()];
    if (this.counts[r]! > 0) this.counts[r]!--;
    this.size--;
    const page = holder.fields.location?.page;
    const tabs = page ? this.pages?.get(page) : undefined;
    if (page && tabs !== undefined) {
      if (tabs > 1) this.pages!.set(page, tabs - 1);
      else this.pages!.delete(page);
    }
    return true;
  }

  member(): Member | null {
    if (!this.newest || this.size === 0) return null;
    let status: PresenceStatus = 'offline';
    for (const candidate of ['busy', 'online', 'away'] as const)
      if (this.counts[rank[candidate]]! > 0) {
        status = candidate;
        break;
      }
    const member = memberOf(this.newest);
    member.status = status;
    member.connections = this.size;
    if (this.pages) member.pages = pagesOf(this.pages.keys());
    return member;
  }
}
