import type { ErrorCode } from '../realtime/protocol/codes';

/** Errors as data: every service call returns one of these, and the edges map the code to HTTP or an ack. */
export type Failure = { ok: false; code: ErrorCode; message: string };
export type Result<T> = { ok: true; value: T } | Failure;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Failure => ({ ok: false, code, message });

const httpStatus: Partial<Record<ErrorCode, number>> = {
  BAD_FRAME: 400,
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  UNKNOWN_CHANNEL: 400,
  NOT_SUBSCRIBED: 404,
  CONFLICT: 409,
  LAST_ADMIN: 409,
  OWN_ACCOUNT: 409,
  EMAIL_TAKEN: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

export function statusOf(code: ErrorCode): number {
  return httpStatus[code] ?? 500;
}
