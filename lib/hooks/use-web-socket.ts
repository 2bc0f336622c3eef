'use client';

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { useShallow } from 'zustand/react/shallow';
import {
  type ChannelListener,
  type ChannelSnapshot,
  type ConnectionState,
  type OutgoingInput,
  type RequestOptions,
  type Subscription,
  sessionEnded,
} from '../realtime/client';
import {
  type EventMessage,
  type Member,
  type PresencePatch,
  presencePatch,
} from '../realtime/protocol/messages';
import { useRealtime } from './realtime-context';

export type WebSocketStatus = {
  status: ConnectionState['status'];
  state: ConnectionState;
  connected: boolean;
  /** Connecting for the first time or waiting to retry. */
  connecting: boolean;
  disconnected: boolean;
  /** The connection ended because the session did (`closed` for good): the user has to sign in again. */
  sessionEnded: 'unauthorized' | 'expired' | null;
  latency: number | null;
  queuedMessages: number;
  droppedMessages: number;
};

function describeState(state: ConnectionState) {
  return {
    status: state.status,
    connected: state.status === 'open',
    connecting: state.status === 'connecting' || state.status === 'reconnecting',
    disconnected: state.status === 'offline' || state.status === 'closed' || state.status === 'idle',
    sessionEnded: sessionEnded(state),
  };
}

/** The connection's status, latency and queue figures; re-renders only when they change. */
export function useWebSocketStatus(): WebSocketStatus {
  const { store } = useRealtime();
  const { state, latency, queued, dropped } = useStore(
    store,
    useShallow((s) => ({ state: s.connection, latency: s.latency, queued: s.queued, dropped: s.dropped })),
  );
  return useMemo(
    () => ({ ...describeState(state), state, latency, queuedMessages: queued, droppedMessages: dropped }),
    [state, latency, queued, dropped],
  );
}

/**
 * The shared connection: status figures plus actions. Subscriptions made through `subscribe` belong to the calling
 * component and end when it unmounts.
 */
export function useWebSocket() {
  const { client } = useRealtime();
  const status = useWebSocketStatus();
  const { store } = useRealtime();
  const channels = useStore(store, (s) => s.channels);
  const owned = useRef(new Map<string, Set<Subscription>>());

  useEffect(() => {
    const mine = owned.current;
    return () => {
      for (const set of mine.values()) for (const sub of set) sub.unsubscribe();
      mine.clear();
    };
  }, []);

  const subscribe = useCallback(
    (channel: string, onEvent?: (event: EventMessage) => void, presence?: PresencePatch) => {
      const sub = client.subscribe(channel, { onEvent }, { presence });
      let set = owned.current.get(channel);
      if (!set) {
        set = new Set();
        owned.current.set(channel, set);
      }
      set.add(sub);
      return () => {
        sub.unsubscribe();
        owned.current.get(channel)?.delete(sub);
      };
    },
    [client],
  );

  const unsubscribe = useCallback((channel: string) => {
    for (const sub of owned.current.get(channel) ?? []) sub.unsubscribe();
    owned.current.delete(channel);
  }, []);

  const actions = useMemo(
    () => ({
      connect: () => client.connect(),
      disconnect: () => client.disconnect(),
      send: (message: OutgoingInput, options?: RequestOptions) => client.send(message, options),
      publish: (channel: string, event: string, data: unknown, options?: RequestOptions) =>
        client.publish(channel, event, data, options),
      rpc: <T = unknown>(method: string, params: unknown, options?: RequestOptions) =>
        client.rpc<T>(method, params, options),
      clearQueue: () => client.clearQueue(),
    }),
    [client],
  );

  const subscriptions = useMemo(() => Object.values(channels), [channels]);
  return { ...status, ...actions, subscribe, unsubscribe, subscriptions, client };
}

export type ChannelOptions = {
  /** This client's presence in the channel (sent with the subscribe and after every reconnect). */
  presence?: PresencePatch;
  /** Called when the server could not replay missed events: refetch what the channel shows. */
  onReset?: ChannelListener['onReset'];
  /**
   * Called once when the subscription to a channel first becomes active: read again what was rendered or fetched
   * before it, since a change in between sends this tab no event.
   */
  onStart?: () => void;
};

export type ChannelView = {
  status: ChannelSnapshot['status'] | 'none';
  members: Member[];
  recovering: boolean;
  error: ChannelSnapshot['error'];
  publish(event: string, data: unknown, options?: RequestOptions): Promise<unknown>;
};

const noMembers: Member[] = [];

/**
 * Subscribes the component to a channel for as long as it is mounted (null: no channel). `onEvent` gets every event
 * in order, exactly once, including the ones replayed after a reconnect.
 */
export function useWebSocketChannel(
  channel: string | null,
  onEvent?: (event: EventMessage) => void,
  options: ChannelOptions = {},
): ChannelView {
  const { client, store } = useRealtime();
  const handlers = useRef({ onEvent, onReset: options.onReset, onStart: options.onStart });
  handlers.current = { onEvent, onReset: options.onReset, onStart: options.onStart };
  const presenceKey = options.presence ? JSON.stringify(options.presence) : '';

  useEffect(() => {
    if (!channel) return;
    const presence = presenceKey ? presencePatch.safeParse(JSON.parse(presenceKey)).data : undefined;
    const sub = client.subscribe(
      channel,
      {
        onEvent: (event) => handlers.current.onEvent?.(event),
        onReset: (info) => handlers.current.onReset?.(info),
      },
      { presence },
    );
    return () => sub.unsubscribe();
  }, [client, channel, presenceKey]);

  const snapshot = useStore(store, (s) => (channel ? s.channels[channel] : undefined));
  const members = useStore(store, (s) => (channel ? s.presence[channel] : undefined)) ?? noMembers;
  const status = snapshot?.status ?? 'none';
  const started = useRef<string | null>(null);
  useEffect(() => {
    if (!channel || status !== 'active' || started.current === channel) return;
    started.current = channel;
    handlers.current.onStart?.();
  }, [channel, status]);
  const publish = useCallback(
    (event: string, data: unknown, requestOptions?: RequestOptions) =>
      channel ? client.publish(channel, event, data, requestOptions) : Promise.resolve(undefined),
    [client, channel],
  );
  return {
    status,
    members,
    recovering: snapshot?.recovering ?? false,
    error: snapshot?.error,
    publish,
  };
}

/** The last `limit` events of a channel, newest last (for feeds and debugging panels). */
export function useWebSocketMessages(
  channel: string | null,
  options: { limit?: number } & ChannelOptions = {},
) {
  const limit = options.limit ?? 50;
  const [messages, setMessages] = useState<EventMessage[]>([]);
  const onEvent = useCallback(
    (event: EventMessage) => setMessages((list) => [...list, event].slice(-limit)),
    [limit],
  );
  const view = useWebSocketChannel(channel, onEvent, options);
  useEffect(() => {
    if (channel !== undefined) setMessages([]);
  }, [channel]);
  const clear = useCallback(() => setMessages([]), []);
  return { ...view, messages, clear };
}
