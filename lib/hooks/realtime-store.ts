import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  addSample,
  type ChannelSnapshot,
  type ConnectionState,
  steadyLatency,
  type WebSocketClient,
  type WelcomeMessage,
} from '../realtime/client';
import type { Member } from '../realtime/protocol/messages';
import type { SelfPresence } from './presence-status';

export type RealtimeUser = { id: string; name: string; role: 'admin' | 'sales' | 'viewer' };

/** The React-facing mirror of one client: every hook reads from it, so one connection serves them all. */
export type RealtimeState = {
  connection: ConnectionState;
  /** The median of the last heartbeat round trips of this connection (`latencySamples`), not one ping. */
  latency: number | null;
  latencySamples: number[];
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
    latencySamples: [],
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
    latency: client.latency === null ? null : steadyLatency([client.latency]),
    latencySamples: client.latency === null ? [] : [client.latency],
    queued: client.queuedMessages,
    dropped: client.droppedMessages,
    presence: Object.fromEntries(
      client.subscriptions().map((s) => [s.channel, client.presenceOf(s.channel)]),
    ),
  });
  refreshChannels();
  const offs = [
    client.on('state', (connection) =>
      // A new connection may take another route: its round trips start a new window.
      store.setState(
        connection.status === 'open' ? { connection } : { connection, latency: null, latencySamples: [] },
      ),
    ),
    client.on('latency', (sample) => {
      const latencySamples = addSample(store.getState().latencySamples, sample);
      store.setState({ latencySamples, latency: steadyLatency(latencySamples) });
    }),
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
