import { describe, expect, it } from 'vitest';
import { isUnavailable } from './faults';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isUnavailable', () => {
  it.each([
    ['a refused connect', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a terminated backend', withCode('terminating connection due to administrator command', '57P01')],
    ['a connection dropped mid-query', new Error('Connection terminated unexpectedly')],
    ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
    [
      'drizzle wrapping the driver',
      new Error('Failed query: select 1', { cause: withCode('x', 'ECONNRESET') }),
    ],
    [
      'both addresses refused',
      new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')]),
    ],
    [
      'ioredis giving up',
      Object.assign(new Error('Reached the max retries per request limit'), {
        name: 'MaxRetriesPerRequestError',
      }),
    ],
    ['ioredis offline', new Error('Connection is closed.')],
  ])('%s is UNAVAILABLE', (_name, error) => {
    expect(isUnavailable(error)).toBe(true);
  });

  it.each([
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a constraint violation', withCode('duplicate key value violates unique constraint', '23505')],
    [
      'drizzle wrapping a syntax error',
      new Error('Failed query: selec 1', { cause: withCode('syntax', '42601') }),
    ],
    ['not an error', 'ECONNREFUSED'],
  ])('%s is not', (_name, error) => {
    expect(isUnavailable(error)).toBe(false);
  });
});
