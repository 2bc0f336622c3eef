'use client';

import { useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import { countPresence, TENANT_PRESENCE } from '../realtime/client';
import type { Member, PresencePatch, PresenceStatus } from '../realtime/protocol/messages';
import { effectiveStatus } from './presence-status';
import { useRealtime } from './realtime-context';
import { throttle } from './throttle';

export type Location = { page: string; section?: string };

export type PresenceOptions = {
  /** A room ("order:42", "product:7"); default: the tenant-wide presence (who is online in the app). */
  channel?: string;
  /** Where this user is, sent when joining and kept across reconnects. */
  location?: Location;
};

export type CurrentUser = {
  id: string;
  name: string;
  role: 'admin' | 'sales' | 'viewer';
  status: PresenceStatus;
};

const noMembers: Member[] = [];

/**
 * Who is present in the tenant or in one room, and this user's own presence. Cursor moves are throttled to one
 * frame per 100 ms (the last position always goes out).
 */
export function usePresence(options: PresenceOptions = {}) {
  const channel = options.channel ?? TENANT_PRESENCE;
  const { client, store, setSelf } = useRealtime();
  const initialLocation = useRef(options.location);

  useEffect(() => {
    const location = initialLocation.current;
    const presence: PresencePatch | undefined =
      location && channel !== TENANT_PRESENCE ? { location } : undefined;
    const sub = client.subscribe(channel, {}, { presence });
    if (location && channel === TENANT_PRESENCE) client.updatePresence({ location });
    return () => sub.unsubscribe();
  }, [client, channel]);

  const members = useStore(store, (s) => s.presence[channel]) ?? noMembers;
  const { user, self } = useStore(
    store,
    useShallow((s) => ({ user: s.user, self: s.self })),
  );
  const status = effectiveStatus(self);
  const currentUser: CurrentUser | null = useMemo(
    () => (user ? { id: user.id, name: user.name, role: user.role, status } : null),
    [user, status],
  );

  const target = channel === TENANT_PRESENCE ? undefined : channel;
  const sendCursor = useMemo(
    () =>
      throttle((x: number, y: number, field?: string) => {
        client.updatePresence({ cursor: { x, y, ...(field ? { field } : {}) } }, target);
      }, 100),
    [client, target],
  );
  useEffect(() => () => sendCursor.cancel(), [sendCursor]);

  const setStatus = useCallback((next: PresenceStatus) => setSelf({ chosen: next }), [setSelf]);
  const setLocation = useCallback(
    (location: Location | null) => client.updatePresence({ location }, target),
    [client, target],
  );
  const setActivity = useCallback(
    (activity: string | null) => client.updatePresence({ activity }, target),
    [client, target],
  );
  const clearCursor = useCallback(() => {
    sendCursor.cancel();
    client.updatePresence({ cursor: null }, target);
  }, [client, sendCursor, target]);
  const subscribe = useCallback(
    (room: string, presence?: PresencePatch) => {
      const sub = client.subscribe(room, {}, { presence });
      return () => sub.unsubscribe();
    },
    [client],
  );

  const counts = countPresence(members);
  const others = useMemo(() => members.filter((m) => m.userId !== user?.id), [members, user?.id]);
  return {
    channel,
    currentUser,
    status,
    activeUsers: members,
    others,
    onlineCount: counts.online + counts.busy,
    awayCount: counts.away,
    totalCount: counts.total,
    setStatus,
    setLocation,
    setActivity,
    updateMousePosition: sendCursor as (x: number, y: number, field?: string) => void,
    clearCursor,
    subscribe,
  };
}

/** Presence in one room, joined with a location while the component is mounted. */
export function useRoomPresence(channel: string, location?: Location) {
  return usePresence({ channel, location });
}

function subscribeNetwork(onChange: () => void): () => void {
  if (typeof window === 'undefined') return () => {};
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
}

/** Whether the browser has a network, whether the realtime connection is up, and this user's own status. */
export function useOnlineStatus() {
  const { store } = useRealtime();
  const online = useSyncExternalStore(
    subscribeNetwork,
    () => navigator.onLine,
    () => true,
  );
  const { connection, self } = useStore(
    store,
    useShallow((s) => ({ connection: s.connection, self: s.self })),
  );
  return {
    online,
    connected: connection.status === 'open',
    status: effectiveStatus(self),
    hidden: self.hidden,
    idle: self.idle,
  };
}

/**
 * Keeps this user's tenant-wide location in step with the page they are on (the app shell passes the pathname), so
 * "who is online where" and page-based viewer counts stay right. Null clears it.
 */
export function useTrackLocation(page: string | null, section?: string) {
  const { client } = useRealtime();
  useEffect(() => {
    client.updatePresence({ location: page ? { page, ...(section ? { section } : {}) } : null });
  }, [client, page, section]);
}
