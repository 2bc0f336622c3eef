/**
 * The Pusher protocol's error and close codes. 4000-4099: the client must not reconnect; 4100-4199: reconnect
 * after back-off; 4200-4299: reconnect at once; 4300-4399: an error that does not close the connection.
 */
export const pusherCodes = {
  appNotFound: { code: 4001, message: 'Application does not exist' },
  appDisabled: { code: 4003, message: 'Application is disabled' },
  overQuota: { code: 4004, message: 'Application is over connection quota' },
  pathNotFound: { code: 4005, message: 'Path not found' },
  unsupportedProtocol: { code: 4007, message: 'Unsupported protocol version' },
  unauthorized: { code: 4009, message: 'Connection is unauthorized' },
  originNotAllowed: { code: 4009, message: 'Origin not allowed' },
  terminated: { code: 4009, message: 'You got disconnected by the app' },
  deactivated: { code: 4009, message: 'Account deactivated' },
  sessionRevoked: { code: 4009, message: 'Session ended; sign in again' },
  overCapacity: { code: 4100, message: 'Over capacity' },
  reconnect: { code: 4200, message: 'Server closed; please reconnect shortly' },
  pongTimeout: { code: 4201, message: 'Pong reply not received' },
  inactivity: { code: 4202, message: 'Closed after inactivity' },
  rateLimited: { code: 4301, message: 'Client event rejected due to rate limit' },
} as const satisfies Record<string, { code: number; message: string }>;

export type PusherCodeName = keyof typeof pusherCodes;
export type PusherCode = { code: number; message: string };
