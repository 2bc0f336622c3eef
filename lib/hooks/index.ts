export { useRealtime } from './realtime-context';
export { RealtimeProvider, type RealtimeProviderProps } from './realtime-provider';
export type { RealtimeState, RealtimeUser } from './realtime-store';
export {
  type CurrentUser,
  type Location,
  useOnlineStatus,
  usePresence,
  useRoomPresence,
  useTrackLocation,
} from './use-presence';
export {
  type EntitySyncOptions,
  type HistoryEntry,
  type RealtimeSync,
  useEntitySync,
  useLock,
  useRealtimeSync,
} from './use-realtime-sync';
export {
  type ChannelOptions,
  type ChannelView,
  useWebSocket,
  useWebSocketChannel,
  useWebSocketMessages,
  useWebSocketStatus,
  type WebSocketStatus,
} from './use-web-socket';
