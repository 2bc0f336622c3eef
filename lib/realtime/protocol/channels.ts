/**
 * Channel names as clients write them (never with a tenant; the server prefixes the caller's tenant itself).
 * Parsing lives here so server and client agree on what a valid name is.
 */
export const listChannelKinds = ['orders', 'products', 'inventory', 'customers', 'pricing'] as const;
export const singletonChannelKinds = ['activity', 'presence', 'admin'] as const;
/** `internal:{orderId}` carries an order's internal (staff-only) comments; viewers can never subscribe. */
export const entityChannelKinds = ['order', 'product', 'user', 'conversation', 'internal'] as const;

export type ListChannelKind = (typeof listChannelKinds)[number];
export type EntityChannelKind = (typeof entityChannelKinds)[number];

export type ChannelRef =
  | { kind: ListChannelKind }
  | { kind: (typeof singletonChannelKinds)[number] }
  | { kind: EntityChannelKind; id: string };

export type ChannelKind = ChannelRef['kind'];

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export function parseChannel(name: string): ChannelRef | null {
  if (name.length > 100) return null;
  const colon = name.indexOf(':');
  if (colon === -1) {
    if ((listChannelKinds as readonly string[]).includes(name)) return { kind: name as ListChannelKind };
    if ((singletonChannelKinds as readonly string[]).includes(name))
      return { kind: name as (typeof singletonChannelKinds)[number] };
    return null;
  }
  const kind = name.slice(0, colon);
  const id = name.slice(colon + 1);
  if (!(entityChannelKinds as readonly string[]).includes(kind) || !idPattern.test(id)) return null;
  return { kind: kind as EntityChannelKind, id };
}

export function channelName(ref: ChannelRef): string {
  return 'id' in ref ? `${ref.kind}:${ref.id}` : ref.kind;
}
