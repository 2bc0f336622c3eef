/**
 * Whether an error means a backend (PostgreSQL, Redis) cannot be reached right now, as opposed to a bug. Such a
 * failure is answered with the catalog's UNAVAILABLE (503 over HTTP), which clients retry; anything else stays
 * INTERNAL. The error is followed through `cause` (drizzle wraps driver errors in "Failed query: …") and the errors
 * of an AggregateError (a connect that tried IPv4 and IPv6).
 */
const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server that is going away or not accepting connections (class 08 is every connection error). */
const unavailableSqlStates = new Set([
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

const unavailableMessages = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection (is )?closed/i,
  /client has encountered a connection error/i,
  /cannot use a pool after calling end/i,
  /stream isn't writeable/i,
  /reached the max retries per request/i,
  /connection is in closing state/i,
  /pglite is closed/i,
];

export function isUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 8 || typeof error !== 'object' || error === null) return false;
  const { code, message, name, cause } = error as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    cause?: unknown;
  };
  if (typeof code === 'string' && (connectionCodes.has(code) || unavailableSqlStates.has(code))) return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message)))
    return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isUnavailable(inner, depth + 1)))
    return true;
  return isUnavailable(cause, depth + 1);
}
