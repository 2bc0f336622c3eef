import { type Member, parseChannel } from '../realtime/protocol';
import type { Hub } from '../realtime/server';
import type { HubAdminPort, RealtimePort } from './ports';
import { fail, ok } from './result';

const looking = (member: Member) => member.status === 'online' || member.status === 'busy';

/** The messaging services' view of the hub: publish, who looks at a channel, a user's status. */
export function realtimePortOf(hub: Hub): RealtimePort {
  return {
    publish: (input) => hub.publish(input),
    channelViewers: async (tenantId, channel) =>
      (await hub.presence(tenantId, channel)).filter(looking).map((m) => m.userId),
    userStatus: async (tenantId, userId) => {
      const member = (await hub.presence(tenantId)).find((m) => m.userId === userId);
      if (!member || member.status === 'offline') return null;
      return { status: member.status, ...(member.statusText ? { statusText: member.statusText } : {}) };
    },
    refreshAccess: (tenantId, userId) => hub.refreshUser(tenantId, userId),
  };
}

/**
 * The realtime REST API's view of the hub. Connections are listed and closed on every node (the hub's cluster
 * registry; a close travels over the bus to the owning node); server-side subscribe/unsubscribe reach this
 * node's connections only. Presence and statistics are tenant-wide.
 */
export function hubAdminPortOf(hub: Hub): HubAdminPort {
  const connectionsOf = async (tenantId: string, userId: string) =>
    (await hub.connections(tenantId, userId)).map((c) => ({
      id: c.connectionId,
      userId: c.userId,
      nodeId: c.nodeId,
      connectedAt: new Date(c.connectedAt).toISOString(),
      ...(c.device !== undefined ? { device: c.device } : {}),
      channels: c.channels,
    }));
  const owns = async (tenantId: string, userId: string, connectionId: string) =>
    (await connectionsOf(tenantId, userId)).some((c) => c.id === connectionId);
  const ownsHere = async (tenantId: string, userId: string, connectionId: string) =>
    (await connectionsOf(tenantId, userId)).some((c) => c.id === connectionId && c.nodeId === hub.nodeId);

  return {
    connectionsOf,
    async disconnect(tenantId, userId, connectionId) {
      if (!(await owns(tenantId, userId, connectionId))) return false;
      hub.disconnect(connectionId, 'kicked');
      return true;
    },
    async subscribe(tenantId, userId, connectionId, channel) {
      if (!parseChannel(channel)) return fail('UNKNOWN_CHANNEL', 'Channel name is not valid');
      if (!(await ownsHere(tenantId, userId, connectionId)))
        return fail('NOT_FOUND', 'No such connection of yours');
      return (await hub.subscribeConnection(connectionId, channel))
        ? ok({ subscribed: true })
        : fail('FORBIDDEN', 'Not allowed to subscribe to this channel');
    },
    async unsubscribe(tenantId, userId, connectionId, channel) {
      if (!parseChannel(channel)) return fail('UNKNOWN_CHANNEL', 'Channel name is not valid');
      if (!(await ownsHere(tenantId, userId, connectionId)))
        return fail('NOT_FOUND', 'No such connection of yours');
      return hub.unsubscribeConnection(connectionId, channel)
        ? ok({ subscribed: false })
        : fail('NOT_SUBSCRIBED', 'The connection is not subscribed to this channel');
    },
    async presenceOf(tenantId, userId) {
      return (await hub.presence(tenantId)).find((m) => m.userId === userId) ?? null;
    },
    async online(tenantId) {
      return (await hub.presence(tenantId)).filter((m) => m.status !== 'offline');
    },
    /**
     * Presence belongs to connections, so the request goes to the user's own devices on `user:{id}`; each applies
     * it to its socket (components/messaging/messaging-bridge.tsx). The answer is the presence as it is now.
     */
    async setPresence(tenantId, userId, patch) {
      await hub.publish({ tenantId, channel: `user:${userId}`, event: 'presence.requested', data: patch });
      return ok((await hub.presence(tenantId)).find((m) => m.userId === userId) ?? null);
    },
    async stats(tenantId) {
      const members = await hub.presence(tenantId);
      let totalConnections = 0;
      let activeConnections = 0;
      for (const member of members) {
        totalConnections += member.connections;
        if (looking(member)) activeConnections += member.connections;
      }
      return { totalConnections, activeConnections, uniqueUsers: members.length };
    },
  };
}
