export { type BackoffOptions, backoffDelay } from './backoff';
export type { ChannelListener, ChannelSnapshot, ChannelStatus } from './channels';
export type { NetworkMonitor, SocketFactory, SocketLike, Timers } from './environment';
export { browserNetworkMonitor, defaultTimers } from './environment';
export {
  type ClientErrorCode,
  clientErrorCodes,
  isRealtimeError,
  RealtimeError,
  type RealtimeErrorCode,
} from './errors';
export {
  addSample,
  type ConnectionQuality,
  LATENCY_WINDOW,
  median,
  qualityOf,
  steadyLatency,
} from './latency';
export { type ClientOptions, defaultClientOptions } from './options';
export type { Position } from './position';
export { applyPresence, countPresence, type PresenceCounts, presenceSnapshot } from './presence-merge';
export { createRpcTransport, type RpcReply } from './rpc-transport';
export { type CloseReason, type ConnectionState, type ConnectionStatus, sessionEnded } from './state';
export { resolveSocketUrl } from './url';
export {
  type ClientEvents,
  type OutgoingInput,
  type RequestOptions,
  type Subscription,
  TENANT_PRESENCE,
  WebSocketClient,
  type WelcomeMessage,
} from './websocket-client';
