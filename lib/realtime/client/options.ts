import type { NetworkMonitor, SocketFactory, Timers } from './environment';

export type ClientOptions = {
  /** Absolute ws(s) URL or a path ("/ws") resolved against the page. */
  url: string;
  /** Reconnect automatically after a retryable close (default true). */
  reconnect: boolean;
  /** First retry delay in ms (default 1000). */
  reconnectInterval: number;
  /** Largest retry delay in ms (default 30000). */
  maxReconnectInterval: number;
  /** Growth factor of the delay per attempt (default 1.5). */
  reconnectDecay: number;
  /** Retries before giving up (default Infinity); the online event and connect() start over. */
  maxReconnectAttempts: number;
  /** Share of each delay that is random (default 0.5). */
  reconnectJitter: number;
  /** Client ping period in ms; silence for two periods means the connection is dead (default 25000). */
  heartbeatInterval: number;
  /** No welcome within this time fails the attempt (default 10000). */
  connectTimeout: number;
  /** Bound of the offline queue (default 100); past it the oldest queued message is dropped and counted. */
  messageQueueSize: number;
  /** How long a request waits for its ack before it is resent with the same id (default 10000). */
  ackTimeout: number;
  /** Resends of an unacknowledged request before it fails with ACK_TIMEOUT (default 2). */
  ackRetries: number;
  /** Log state changes and frames through `log` (default false). */
  debug: boolean;
  /** Connect when created (default true). */
  autoConnect: boolean;
  log: (message: string, details?: unknown) => void;
  createSocket: SocketFactory;
  timers: Timers;
  random: () => number;
  network: NetworkMonitor;
  /** Base for relative URLs (default: the page's location in a browser). */
  baseUrl?: string;
  /** Client message ids (default: a random prefix and a counter). */
  createId?: () => string;
};

export const defaultClientOptions = {
  reconnect: true,
  reconnectInterval: 1000,
  maxReconnectInterval: 30_000,
  reconnectDecay: 1.5,
  maxReconnectAttempts: Number.POSITIVE_INFINITY,
  reconnectJitter: 0.5,
  heartbeatInterval: 25_000,
  connectTimeout: 10_000,
  messageQueueSize: 100,
  ackTimeout: 10_000,
  ackRetries: 2,
  debug: false,
  autoConnect: true,
} satisfies Partial<ClientOptions>;
