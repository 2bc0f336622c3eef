import type { ChannelKind, ChannelRef } from '../realtime/protocol/channels';

export type Role = 'admin' | 'sales' | 'viewer';
export type ChannelUser = { id: string; tenantId: string; role: Role; name: string };
/** Whether a client may receive a channel's events (`read`) or publish to it itself (`write`). */
export type AccessMode = 'read' | 'write';
/** Access that needs data (e.g. conversation participants); registered by the feature that owns the data. */
export type ChannelGuard = (user: ChannelUser, id: string) => Promise<boolean>;

type Rule = (user: ChannelUser, ref: ChannelRef, mode: AccessMode) => boolean | 'guard';

const staff = (user: ChannelUser) => user.role === 'admin' || user.role === 'sales';

// Lists, the activity feed and tenant presence: everyone in the tenant reads; only the server publishes (domain
// events after a database commit), so a client publish is refused.
const tenantFeed: Rule = (_user, _ref, mode) => mode === 'read';
// Entity rooms: everyone reads; staff may publish ephemeral collaboration events; viewers never write.
const entityRoom: Rule = (user, _ref, mode) => mode === 'read' || staff(user);

/** One authorization rule per channel kind (DESIGN.md "Channels and who may use them"). */
export const channelRules: Record<ChannelKind, Rule> = {
  orders: tenantFeed,
  products: tenantFeed,
  inventory: tenantFeed,
  customers: tenantFeed,
  pricing: tenantFeed,
  activity: tenantFeed,
  presence: tenantFeed,
  order: entityRoom,
  product: entityRoom,
  user: (user, ref, mode) => mode === 'read' && 'id' in ref && ref.id === user.id,
  conversation: (user, _ref, mode) => (mode === 'write' && user.role === 'viewer' ? false : 'guard'),
  admin: (user, _ref, mode) => mode === 'read' && user.role === 'admin',
  // Internal comments of an entity: staff read them; only the server publishes (after the comment is stored).
  internal: (user, _ref, mode) => mode === 'read' && staff(user),
};

/**
 * Decides access; the tenant is not part of the question because the server prefixes every channel with the
 * caller's own tenant. A kind whose rule needs a guard is denied until its guard is registered.
 */
export async function canAccessChannel(
  user: ChannelUser,
  ref: ChannelRef,
  mode: AccessMode,
  guards: ReadonlyMap<ChannelKind, ChannelGuard>,
): Promise<boolean> {
  const verdict = channelRules[ref.kind](user, ref, mode);
  if (verdict !== 'guard') return verdict;
  const guard = guards.get(ref.kind);
  if (!guard || !('id' in ref)) return false;
  try {
    return await guard(user, ref.id);
  } catch {
    return false;
  }
}
