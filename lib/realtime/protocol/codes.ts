/**
 * The one catalog of error codes (carried in `ack` and `error` frames) and close codes (carried by the WebSocket
 * close frame). Shared by server and client: the client knows from the entry whether to retry and which i18n key
 * explains it to a person.
 */
export const errorCodes = {
  BAD_FRAME: { reason: 'Frame is not valid JSON or does not match the protocol', i18n: 'errors.badFrame' },
  UNKNOWN_TYPE: { reason: 'Unknown message type', i18n: 'errors.unknownType' },
  FRAME_TOO_LARGE: { reason: 'Frame exceeds the size limit', i18n: 'errors.frameTooLarge' },
  RATE_LIMITED: { reason: 'Too many messages; slow down', i18n: 'errors.rateLimited' },
  UNAUTHORIZED: { reason: 'Not signed in or session expired', i18n: 'errors.unauthorized' },
  FORBIDDEN: { reason: 'Not allowed for your role or tenant', i18n: 'errors.forbidden' },
  /** A subscription closed by the server because the user's role changed and no longer allows it. */
  ROLE_CHANGED: { reason: 'Your role changed and no longer allows this', i18n: 'errors.roleChanged' },
  UNKNOWN_CHANNEL: { reason: 'Channel name is not valid', i18n: 'errors.unknownChannel' },
  TOO_MANY_SUBSCRIPTIONS: { reason: 'Subscription limit reached', i18n: 'errors.tooManySubscriptions' },
  NOT_SUBSCRIBED: { reason: 'Subscribe to the channel first', i18n: 'errors.notSubscribed' },
  UNKNOWN_METHOD: { reason: 'Unknown method', i18n: 'errors.unknownMethod' },
  VALIDATION: { reason: 'Input is not valid', i18n: 'errors.validation' },
  NOT_FOUND: { reason: 'Not found', i18n: 'errors.notFound' },
  CONFLICT: { reason: 'Conflicting change', i18n: 'errors.conflict' },
  STALE_VERSION: { reason: 'Based on an old version', i18n: 'errors.staleVersion' },
  LOCKED: { reason: 'Locked by someone else', i18n: 'errors.locked' },
  PAYLOAD_TOO_LARGE: { reason: 'Payload exceeds the size limit', i18n: 'errors.payloadTooLarge' },
  UNAVAILABLE: { reason: 'Service temporarily unavailable', i18n: 'errors.unavailable' },
  /** Admin console: the change would leave the tenant without an active admin. */
  LAST_ADMIN: { reason: 'The last admin cannot be lowered or deactivated', i18n: 'errors.lastAdmin' },
  /** Admin console: an admin cannot deactivate their own account. */
  OWN_ACCOUNT: { reason: 'You cannot deactivate your own account', i18n: 'errors.ownAccount' },
  EMAIL_TAKEN: { reason: 'Someone already uses this email', i18n: 'errors.emailTaken' },
  INTERNAL: { reason: 'Internal error', i18n: 'errors.internal' },
} as const;

export type ErrorCode = keyof typeof errorCodes;
export const errorCodeList = Object.keys(errorCodes) as [ErrorCode, ...ErrorCode[]];

export type CloseEntry = { code: number; reason: string; retry: boolean; i18n: string };

export const closeCodes = {
  normal: { code: 1000, reason: 'Normal closure', retry: false, i18n: 'close.normal' },
  goingAway: { code: 1001, reason: 'Server going away', retry: true, i18n: 'close.goingAway' },
  /** Sent by the WebSocket layer itself when a frame exceeds the size limit (WS_MAX_FRAME_BYTES). */
  frameTooLarge: { code: 1009, reason: 'Frame too large', retry: true, i18n: 'close.frameTooLarge' },
  unsupportedVersion: {
    code: 4000,
    reason: 'Protocol version not supported',
    retry: false,
    i18n: 'close.unsupportedVersion',
  },
  unauthorized: { code: 4001, reason: 'Unauthorized', retry: false, i18n: 'close.unauthorized' },
  forbidden: { code: 4003, reason: 'Forbidden', retry: false, i18n: 'close.forbidden' },
  policyViolation: {
    code: 4008,
    reason: 'Too many invalid frames',
    retry: true,
    i18n: 'close.policyViolation',
  },
  slowConsumer: { code: 4009, reason: 'Slow consumer', retry: true, i18n: 'close.slowConsumer' },
  tooManyConnections: {
    code: 4010,
    reason: 'Too many connections for this user',
    retry: false,
    i18n: 'close.tooManyConnections',
  },
  heartbeatTimeout: { code: 4011, reason: 'Heartbeat timeout', retry: true, i18n: 'close.heartbeatTimeout' },
  floods: { code: 4012, reason: 'Message flood', retry: true, i18n: 'close.floods' },
  kicked: { code: 4013, reason: 'Disconnected by request', retry: false, i18n: 'close.kicked' },
  sessionExpired: { code: 4014, reason: 'Session expired', retry: false, i18n: 'close.sessionExpired' },
  /** An admin signed the user out everywhere (or reset the password): the session's version is no longer current. */
  sessionRevoked: { code: 4015, reason: 'Session revoked', retry: false, i18n: 'close.sessionRevoked' },
  /** An admin deactivated the account. */
  deactivated: { code: 4016, reason: 'Account deactivated', retry: false, i18n: 'close.deactivated' },
} as const satisfies Record<string, CloseEntry>;

export type CloseName = keyof typeof closeCodes;

export function closeEntryFor(code: number): CloseEntry | undefined {
  return Object.values(closeCodes).find((entry) => entry.code === code);
}
