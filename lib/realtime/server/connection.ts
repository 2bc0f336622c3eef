import type { ChannelUser } from '../../auth/channel-access';
import type { PresencePatch, PresenceStatus } from '../protocol';
import type { LocalChannel } from './local-channel';
import type { HubSocket, OutFrame } from './socket';
import { TokenBucket } from './token-bucket';

export type HubUser = ChannelUser;

/** Per channel presence of one connection (the connection-wide fields live on the connection). */
export type ScopeFields = {
  location?: { page: string; section?: string } | null;
  activity?: string | null;
  cursor?: { x: number; y: number; field?: string } | null;
  updatedAt: number;
};

/** Events reach a subscription only once it is live; until then (answering, replaying) they wait in `pending`. */
export type Subscription = {
  conn: Connection;
  channel: LocalChannel;
  phase: 'syncing' | 'live';
  pending: OutFrame[];
  fields: ScopeFields;
};

export type ConnectionPresence = {
  status: PresenceStatus;
  statusText?: string;
  device?: PresencePatch['device'];
  hidden: boolean;
  idle: boolean;
};

export type ConnectionPhase = 'open' | 'closed';

export class Connection {
  phase: ConnectionPhase = 'open';
  readonly subs = new Map<string, Subscription>();
  readonly bucket: TokenBucket;
  /** When the socket opened (the cluster registry and the admin's list show it). */
  readonly connectedAt: number;
  lastSeen: number;
  lastActivity: number;
  lastPing = 0;
  /** Invalid frames, decayed over time; too many close the socket. */
  strikes = 0;
  /** Messages refused by the rate limit since the last refill; a flood closes the socket. */
  refused = 0;
  readonly presence: ConnectionPresence = { status: 'online', hidden: false, idle: false };
  /** The device written to the cluster connection registry (rewritten when presence.device changes). */
  registeredDevice: string | undefined;
  /** The session version of the token the socket opened with; a newer stored version closes the socket. */
  sessionVersion = 1;
  /** Tenant-wide presence (location in the app). */
  readonly tenantFields: ScopeFields;
  readonly tenantHolder: { conn: Connection; fields: ScopeFields };
  /** The hub's user generation when this connection's user was last checked against the stored user. */
  checkedGeneration = -1;
  /** The user the cached actor JSON of signals was made for (signals.ts). */
  actorFor: HubUser | undefined;
  actorJson = '';
  private strikeWindow = 0;

  constructor(
    readonly id: string,
    public user: HubUser,
    readonly socket: HubSocket,
    readonly expiresAt: number,
    limits: { messagesPerSecond: number; burst: number },
    now: number,
  ) {
    this.bucket = new TokenBucket(limits.messagesPerSecond, limits.burst, now);
    this.connectedAt = now;
    this.lastSeen = now;
    this.lastActivity = now;
    this.tenantFields = { updatedAt: now };
    this.tenantHolder = { conn: this, fields: this.tenantFields };
  }

  /** Counts an invalid frame; true when the connection has sent too many within the window. */
  strike(now: number, limit: number, windowMs: number): boolean {
    if (now - this.strikeWindow > windowMs) {
      this.strikeWindow = now;
      this.strikes = 0;
    }
    this.strikes++;
    return this.strikes > limit;
  }

  /** Effective status: explicit busy/offline wins; a hidden or idle tab is away. */
  status(): PresenceStatus {
    const { status, hidden, idle } = this.presence;
    if (status === 'busy' || status === 'offline') return status;
    return hidden || idle ? 'away' : status;
  }
}
