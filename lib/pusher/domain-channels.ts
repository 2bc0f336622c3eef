import { type ChannelRef, listChannelKinds, parseChannel } from '../realtime/protocol/channels';

/**
 * Omni-Sales channels under the names Laravel apps give them, so an existing Echo front end can listen:
 *   products (tenant T)   ↔ private-products.T        product:{id}  ↔ private-products.T.{id}
 *   orders, inventory, customers, pricing, activity, admin likewise (private-{kind}.T)
 *   order:{id}            ↔ private-orders.T.{id}
 *   user:{id}             ↔ private-App.Models.User.{id}   (Laravel's notification channel)
 * and presence channels for Echo's join(): presence-online.T (who is online in the tenant),
 * presence-orders.T.{id} and presence-products.T.{id} (who is on an entity).
 */
const tenantKinds = [...listChannelKinds, 'activity', 'admin'] as const;
const entityPlural = { order: 'orders', product: 'products' } as const;
const USER_PREFIX = 'private-App.Models.User.';

/** The Pusher channel a hub event is mirrored to, or null for channels that are not bridged. */
export function pusherChannelFor(tenantId: string, hubChannel: string): string | null {
  const ref = parseChannel(hubChannel);
  if (!ref) return null;
  if ((tenantKinds as readonly string[]).includes(ref.kind)) return `private-${ref.kind}.${tenantId}`;
  if (!('id' in ref)) return null;
  if (ref.kind === 'order' || ref.kind === 'product')
    return `private-${entityPlural[ref.kind]}.${tenantId}.${ref.id}`;
  if (ref.kind === 'user') return `${USER_PREFIX}${ref.id}`;
  return null;
}

export type DomainChannel = {
  /** Absent for the user channel, whose id is global. */
  tenantId?: string;
  ref: ChannelRef;
  presence: boolean;
};

/** The hub channel behind a Pusher channel name, for the auth endpoint; null when it is not one of ours. */
export function domainChannelOf(pusherChannel: string): DomainChannel | null {
  if (pusherChannel.startsWith(USER_PREFIX)) {
    const ref = parseChannel(`user:${pusherChannel.slice(USER_PREFIX.length)}`);
    return ref ? { ref, presence: false } : null;
  }
  const presence = pusherChannel.startsWith('presence-');
  const rest = presence
    ? pusherChannel.slice('presence-'.length)
    : pusherChannel.startsWith('private-')
      ? pusherChannel.slice('private-'.length)
      : null;
  if (rest === null) return null;
  const [kind, tenantId, id, extra] = rest.split('.');
  if (!kind || !tenantId || extra !== undefined) return null;
  if (presence) {
    if (kind === 'online' && id === undefined) {
      const ref = parseChannel('presence');
      return ref ? { tenantId, ref, presence } : null;
    }
  } else if (id === undefined) {
    const ref = (tenantKinds as readonly string[]).includes(kind) ? parseChannel(kind) : null;
    return ref ? { tenantId, ref, presence } : null;
  }
  if (id === undefined) return null;
  const singular = kind === 'orders' ? 'order' : kind === 'products' ? 'product' : null;
  const ref = singular ? parseChannel(`${singular}:${id}`) : null;
  return ref ? { tenantId, ref, presence } : null;
}
