/** Pusher channel names and types, as the Pusher protocol defines them. */
export type PusherChannelType = 'public' | 'private' | 'encrypted' | 'presence' | 'user';

export const USER_CHANNEL_PREFIX = '#server-to-user-';
export const MAX_CHANNEL_NAME_LENGTH = 200;
const namePattern = /^[A-Za-z0-9_\-=@,.;]+$/;

/** Whether a client may name this channel in pusher:subscribe or the HTTP API may trigger on it. */
export function isValidChannelName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_CHANNEL_NAME_LENGTH) return false;
  if (name.startsWith(USER_CHANNEL_PREFIX)) return namePattern.test(name.slice(USER_CHANNEL_PREFIX.length));
  return namePattern.test(name);
}

export function channelType(name: string): PusherChannelType {
  if (name.startsWith(USER_CHANNEL_PREFIX)) return 'user';
  if (name.startsWith('presence-')) return 'presence';
  if (name.startsWith('private-encrypted-')) return 'encrypted';
  if (name.startsWith('private-')) return 'private';
  return 'public';
}

/** Channels whose subscription needs an auth signature (and that accept client events). */
export function isAuthenticatedChannel(type: PusherChannelType): boolean {
  return type === 'private' || type === 'presence' || type === 'encrypted';
}

export function userChannel(userId: string): string {
  return `${USER_CHANNEL_PREFIX}${userId}`;
}

/** Pusher channels live in the hub under the app's namespace so they never collide with tenant channels. */
export function hubChannelFor(appId: string, channel: string): string {
  return `pusher:${appId}:${channel}`;
}

export function parseHubChannel(hubChannel: string): { appId: string; channel: string } | null {
  if (!hubChannel.startsWith('pusher:')) return null;
  const rest = hubChannel.slice('pusher:'.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return null;
  return { appId: rest.slice(0, colon), channel: rest.slice(colon + 1) };
}
