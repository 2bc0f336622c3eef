import { type ChannelUser, canAccessChannel } from '../auth/channel-access';
import { isValidChannelName } from './channels';
import type { PusherApp } from './config';
import { domainChannelOf } from './domain-channels';
import { domainMemberInfo, grantSessionOf } from './domain-grants';
import { signChannel, signUser } from './signatures';

/** The signed-in user an endpoint signs for: their session version makes the signature revocable. */
export type GrantUser = ChannelUser & { sessionVersion: number };

export type AuthReply =
  | { status: 200; body: { auth: string; channel_data?: string } }
  | { status: 400 | 403; body: { error: string } };

const SOCKET_ID = /^\d+\.\d+$/;

/**
 * Signs a Pusher subscription for a signed-in Omni-Sales user: only channels of their own tenant, and only those
 * the channel rules let their role read (lib/auth/channel-access). Presence channels carry the user's name and role.
 * Every signature covers channel_data naming the user and session it was issued to, so the server ends the
 * subscription when the role no longer allows it and the connection when the session ends (domain-grants.ts).
 */
export async function authorizeDomainChannel(
  user: GrantUser,
  app: PusherApp,
  request: { socketId: string; channel: string },
): Promise<AuthReply> {
  const { socketId, channel } = request;
  if (!SOCKET_ID.test(socketId) || !isValidChannelName(channel))
    return { status: 400, body: { error: 'socket_id and channel_name are required' } };
  const domain = domainChannelOf(channel);
  if (!domain) return { status: 403, body: { error: 'Not an Omni-Sales channel' } };
  if (domain.tenantId !== undefined && domain.tenantId !== user.tenantId)
    return { status: 403, body: { error: 'Another tenant' } };
  // Channels whose rule needs data (conversations) are never bridged, so no guards are needed here.
  if (!(await canAccessChannel(user, domain.ref, 'read', new Map())))
    return { status: 403, body: { error: 'Not allowed for your role' } };
  const session = grantSessionOf(user);
  const channelData = JSON.stringify(
    domain.presence
      ? { user_id: user.id, user_info: domainMemberInfo(user), session }
      : { user_id: user.id, session },
  );
  return {
    status: 200,
    body: { auth: signChannel(app, socketId, channel, channelData), channel_data: channelData },
  };
}

/** pusher:signin for a signed-in user (then the server can send to them and terminate their connections). */
export function authenticateDomainUser(
  user: GrantUser,
  app: PusherApp,
  socketId: string,
): { status: 200; body: { auth: string; user_data: string } } | { status: 400; body: { error: string } } {
  if (!SOCKET_ID.test(socketId)) return { status: 400, body: { error: 'socket_id is required' } };
  const userData = JSON.stringify({
    id: user.id,
    user_info: domainMemberInfo(user),
    session: grantSessionOf(user),
  });
  return { status: 200, body: { auth: signUser(app, socketId, userData), user_data: userData } };
}
