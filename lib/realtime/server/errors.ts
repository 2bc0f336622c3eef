import { type ErrorCode, errorCodes } from '../protocol';

/** Thrown by rpc handlers and channel guards; becomes an error ack with this code. */
export class RealtimeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = errorCodes[code].reason,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'RealtimeError';
  }
}
