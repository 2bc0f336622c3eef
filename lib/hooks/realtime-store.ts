import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ChannelSnapshot, ConnectionState, WebSocketClient, WelcomeMessage } from '../realtime/client';
import type { Member } from '../realtime/protocol/messages';
import type { SelfPresence } from './presence-status';

export type RealtimeUser = { id: string; name: string; role: 'admin' | 'sales' | 'viewer' };

/** The React-facing mirror of one client: every hook reads from it, so one connection serves them all. */
export type RealtimeState = {
  connection: ConnectionState;
  latency: number | null;
  queued: number;
  dropped: number;
  user: RealtimeUser | null;
  welcome: WelcomeMessage | null;
  channels: Record<string, ChannelSnapshot>;
  presence: Record<string, Member[]>;
  self: SelfPresence;
  lastError: { code: string; message: string; at: number } | null;
};

export type RealtimeStore = StoreApi<RealtimeState>;

export function createRealtimeStore(user: RealtimeUser | null): RealtimeStore {
  return createStore<RealtimeState>(() => ({
    connection: { status: 'idle' },
    latency: null,
    queued: 0,
    dropped: 0,
    user,
    welcome: null,
    channels: {},
    presence: {},
    self: { chosen: 'online', hidden: false, idle: false },
    lastError: null,
  }));
}

/** Copies the client's events into the store; returns the unbinding function. */
export function bindClientToStore(client: WebSocketClient, store: RealtimeStore): () => void {
  const refreshChannels = () =>
    store.setState({ channels: Object.fromEntries(client.subscriptions().map((s) => [s.channel, s])) });
  store.setState({
    connection: client.state,
    latency: client.latency,
    queued: client.queuedMessages,
    dropped: client.droppedMessages,
    presence: Object.fromEntries(
      client.subscriptions().map((s) => [s.channel, client.presenceOf(s.channel)]),
    ),
  });
  refreshChannels();
  const offs = [
    client.on('state', (connection) => store.setState({ connection })),
    client.on('latency', (latency) => store.setState({ latency })),
    client.on('queue', ({ queued, dropped }) => {
      const state = store.getState();
      if (state.queued !== queued || state.dropped !== dropped) store.setState({ queued, dropped });
    }),
    client.on('welcome', (welcome) =>
      store.setState({
        welcome,
        user: { id: welcome.user.id, name: welcome.user.name, role: welcome.user.role },
      }),
    ),
    client.on('channel', refreshChannels),
    client.on('presence', ({ channel, members }) =>
      store.setState((state) => ({ presence: { ...state.presence, [channel]: members } })),
    ),
    client.on('error', ({ code, message }) =>
      store.setState({ lastError: { code, message, at: Date.now() } }),
    ),
  ];
  return () => {
    for (const off of offs) off();
  };
}
