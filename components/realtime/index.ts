export { colorFor, initials } from './avatar-style';
export { ConnectionBadge, type ConnectionBadgeProps } from './connection-badge';
export { ConnectionStatus } from './connection-status';
export { PresenceAvatars, type PresenceAvatarsProps } from './presence-avatars';
export { PresenceCursors } from './presence-cursors';
export { PresenceIndicator, type PresenceIndicatorProps } from './presence-indicator';
export { RealtimeNotices } from './realtime-notices';
export * from './toasts';
export { countOnPage, ViewerCount, type ViewerCountProps, ViewerLabel } from './viewer-count';
