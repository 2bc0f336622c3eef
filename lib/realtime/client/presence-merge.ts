import type { Member } from '../protocol/messages';

export type PresenceAction = 'join' | 'leave' | 'update';

/**
 * Applies one presence frame to a member list (one entry per user, sorted by name). Frames can arrive out of order
 * across nodes, so a frame older than what is known for that user is ignored: a late `update` cannot resurrect a
 * member who left, and a late `leave` cannot remove one who came back.
 */
export function applyPresence(members: readonly Member[], action: PresenceAction, member: Member): Member[] {
  const index = members.findIndex((m) => m.userId === member.userId);
  const known = index === -1 ? undefined : members[index];
  if (known && member.updatedAt < known.updatedAt) return members as Member[];
  if (action === 'leave' || member.status === 'offline' || member.connections === 0) {
    if (!known) return members as Member[];
    return members.filter((_, i) => i !== index);
  }
  const next = known ? members.map((m, i) => (i === index ? { ...m, ...member } : m)) : [...members, member];
  return sortMembers(next);
}

/** Replaces the list with a snapshot (the `presence` of a `subscribed` answer), one entry per user. */
export function presenceSnapshot(members: readonly Member[]): Member[] {
  const byUser = new Map<string, Member>();
  for (const m of members) {
    const known = byUser.get(m.userId);
    if (!known || m.updatedAt >= known.updatedAt) byUser.set(m.userId, m);
  }
  return sortMembers([...byUser.values()].filter((m) => m.status !== 'offline'));
}

function sortMembers(members: Member[]): Member[] {
  return members.sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
}

export type PresenceCounts = { total: number; online: number; away: number; busy: number };

export function countPresence(members: readonly Member[]): PresenceCounts {
  const counts = { total: 0, online: 0, away: 0, busy: 0 };
  for (const m of members) {
    counts.total++;
    if (m.status === 'online') counts.online++;
    else if (m.status === 'away') counts.away++;
    else if (m.status === 'busy') counts.busy++;
  }
  return counts;
}
