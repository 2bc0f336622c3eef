import type { PresenceStatus } from '../realtime/protocol/messages';

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
};

/** A port for code paths with no hub (unit tests of pure parts, a process with realtime disabled). */
export const silentRealtime: RealtimePort = {
  publish: async () => undefined,
  channelViewers: async () => [],
  userStatus: async () => null,
};
