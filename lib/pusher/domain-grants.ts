import { canAccessChannel } from '../auth/channel-access';
import { sessionState } from '../auth/session-state';
import type { StoredUser } from '../realtime/server/user-directory';
import type { Grant, GrantVerdict } from './connection';
import { domainChannelOf } from './domain-channels';

/** The session a signature is issued under: tenant and session version ride in channel_data / user_data. */
export type GrantSession = { tenant: string; version: number };

export function grantSessionOf(user: { tenantId: string; sessionVersion: number }): GrantSession {
  return { tenant: user.tenantId, version: user.sessionVersion };
}

/**
 * The rule behind every grant of the domain app, as the native sockets apply it: the user must still exist, be
 * active and hold the session the grant was issued under; a channel must still be one their role may read.
 * `load` is the hub's user directory (cached per node, forgotten on every refresh of the user).
 */
export function domainGrantJudge(
  load: (tenantId: string, userId: string) => Promise<StoredUser | null>,
): (grant: Grant, channel: string | null) => Promise<GrantVerdict> {
  return async (grant, channel) => {
    const stored = await load(grant.tenantId, grant.userId);
    if (!stored) return 'gone';
    const state = sessionState(stored, { sessionVersion: grant.sessionVersion });
    if (state === 'deactivated') return 'deactivated';
    if (state === 'revoked') return 'revoked';
    if (channel === null) return 'ok';
    const domain = domainChannelOf(channel);
    if (!domain) return 'ok';
    if (domain.tenantId !== undefined && domain.tenantId !== stored.tenantId) return 'forbidden';
    return (await canAccessChannel(stored, domain.ref, 'read', new Map())) ? 'ok' : 'forbidden';
  };
}

/** The presence user_info the domain app signs for a user (auth endpoints) and keeps current (re-checks). */
export function domainMemberInfo(user: { name: string; role: string }): { name: string; role: string } {
  return { name: user.name, role: user.role };
}

/** The presence user_info of a grant's user as stored now; undefined when the user is gone. */
export function domainMemberInfoLoader(
  load: (tenantId: string, userId: string) => Promise<StoredUser | null>,
): (grant: Grant) => Promise<unknown> {
  return async (grant) => {
    const stored = await load(grant.tenantId, grant.userId);
    return stored ? domainMemberInfo(stored) : undefined;
  };
}
