import { describe, expect, it } from 'vitest';
import { sessionState } from './session-state';

describe('sessionState', () => {
  it.each([
    [{ active: true, sessionVersion: 1 }, 1, 'valid'],
    [{ active: true, sessionVersion: 2 }, 1, 'revoked'],
    // A token from a version the server never issued yet is no better than an old one.
    [{ active: true, sessionVersion: 2 }, 3, 'revoked'],
    [{ active: false, sessionVersion: 1 }, 1, 'deactivated'],
    [{ active: false, sessionVersion: 2 }, 1, 'deactivated'],
  ] as const)('%j with a token of version %d is %s', (user, version, expected) => {
    expect(sessionState(user, { sessionVersion: version })).toBe(expected);
  });
});
