import { type ErrorBody, type ErrorCode, errorCodes } from '../protocol';

/** Failures that only the client can observe (the server's own codes come from the protocol catalog). */
export const clientErrorCodes = {
  ACK_TIMEOUT: { reason: 'No acknowledgement from the server in time', i18n: 'clientErrors.ackTimeout' },
  QUEUE_OVERFLOW: {
    reason: 'Dropped from the offline queue (queue full)',
    i18n: 'clientErrors.queueOverflow',
  },
  QUEUE_CLEARED: { reason: 'Removed from the offline queue', i18n: 'clientErrors.queueCleared' },
  NOT_CONNECTED: { reason: 'Not connected', i18n: 'clientErrors.notConnected' },
  INVALID_CHANNEL: { reason: 'Channel name is not valid', i18n: 'clientErrors.invalidChannel' },
} as const;

export type ClientErrorCode = keyof typeof clientErrorCodes;
export type RealtimeErrorCode = ErrorCode | ClientErrorCode;

/** The error a request promise rejects with: a code from either catalog, and the i18n key that explains it. */
export class RealtimeError extends Error {
  readonly code: RealtimeErrorCode;
  readonly i18n: string;
  readonly details?: unknown;

  constructor(code: RealtimeErrorCode, message?: string, details?: unknown) {
    const entry =
      code in clientErrorCodes ? clientErrorCodes[code as ClientErrorCode] : errorCodes[code as ErrorCode];
    super(message ?? entry.reason);
    this.name = 'RealtimeError';
    this.code = code;
    this.i18n = entry.i18n;
    this.details = details;
  }

  static fromBody(body: ErrorBody): RealtimeError {
    return new RealtimeError(body.code, body.message, body.details);
  }
}

export function isRealtimeError(value: unknown): value is RealtimeError {
  return value instanceof RealtimeError;
}
