import type { Member, PresencePatch, PresenceStatus } from '../realtime/protocol/messages';
import { fail, type Result } from './result';

/** What messaging needs from the realtime hub; register.ts adapts the hub to it, tests may adapt a real hub too. */
export type RealtimePort = {
  publish(input: {
    tenantId: string;
    channel: string;
    event: string;
    data: unknown;
    actor?: { id: string; name: string };
  }): Promise<unknown>;
  /** Users who have the channel open and visible (not a hidden tab). */
  channelViewers(tenantId: string, channel: string): Promise<string[]>;
  /** The tenant-wide presence status of a user; null when offline. */
  userStatus(
    tenantId: string,
    userId: string,
  ): Promise<{ status: PresenceStatus; statusText?: string } | null>;
  /** Re-checks a user's open subscriptions (after they left a conversation). */
  refreshAccess(tenantId: string, userId: string): Promise<void>;
};

/** A port for code paths with no hub (unit tests of pure parts, a process with realtime disabled). */
export const silentRealtime: RealtimePort = {
  publish: async () => undefined,
  channelViewers: async () => [],
  userStatus: async () => null,
  refreshAccess: async () => {},
};

export type ConnectionInfo = {
  id: string;
  userId: string;
  nodeId?: string;
  connectedAt: string;
  device?: string;
  channels: string[];
};

export type HubStats = { totalConnections: number; activeConnections: number; uniqueUsers: number };

/**
 * What the realtime REST API needs from the hub: connections of a user, presence, server-side subscriptions and
 * statistics. Every call is scoped to a tenant; a connection id of another user is simply not found.
 */
export type HubAdminPort = {
  connectionsOf(tenantId: string, userId: string): Promise<ConnectionInfo[]>;
  disconnect(tenantId: string, userId: string, connectionId: string): Promise<boolean>;
  subscribe(
    tenantId: string,
    userId: string,
    connectionId: string,
    channel: string,
  ): Promise<Result<unknown>>;
  unsubscribe(
    tenantId: string,
    userId: string,
    connectionId: string,
    channel: string,
  ): Promise<Result<unknown>>;
  presenceOf(tenantId: string, userId: string): Promise<Member | null>;
  online(tenantId: string): Promise<Member[]>;
  setPresence(tenantId: string, userId: string, patch: PresencePatch): Promise<Result<Member | null>>;
  stats(tenantId: string): Promise<HubStats>;
};

const unavailable = <T>(): Promise<Result<T>> =>
  Promise.resolve(fail('UNAVAILABLE', 'Realtime is not running'));

/** A hub port for a process whose realtime layer is off: empty lists, UNAVAILABLE for changes. */
export const absentHub: HubAdminPort = {
  connectionsOf: async () => [],
  disconnect: async () => false,
  subscribe: unavailable,
  unsubscribe: unavailable,
  presenceOf: async () => null,
  online: async () => [],
  setPresence: unavailable,
  stats: async () => ({ totalConnections: 0, activeConnections: 0, uniqueUsers: 0 }),
};
