import { describe, expect, it } from 'vitest';
import { closeEntryFor } from '../protocol/codes';
import {
  type ConnectionState,
  type StateInput,
  sessionEnded,
  type TransitionContext,
  transition,
} from './state';

const ctx: TransitionContext = {
  now: 1000,
  online: true,
  reconnect: true,
  maxReconnectAttempts: 3,
  delay: (attempt) => attempt * 100,
};

const idle: ConnectionState = { status: 'idle' };
const connecting0: ConnectionState = { status: 'connecting', attempt: 0 };
const connecting2: ConnectionState = { status: 'connecting', attempt: 2 };
const connecting3: ConnectionState = { status: 'connecting', attempt: 3 };
const open: ConnectionState = { status: 'open', connectionId: 'c1', nodeId: 'n1', openedAt: 1 };
const reconnecting: ConnectionState = { status: 'reconnecting', attempt: 2, nextAttemptAt: 5000 };
const offline: ConnectionState = { status: 'offline' };
const closedByClient: ConnectionState = { status: 'closed', reason: { kind: 'client' } };

const lost = (code: number): StateInput => ({ type: 'socket-lost', code });

describe('connection state machine', () => {
  it.each<[string, ConnectionState, StateInput, Partial<TransitionContext>, ConnectionState]>([
    ['idle connects', idle, { type: 'connect' }, {}, connecting0],
    ['idle stays offline without network', idle, { type: 'connect' }, { online: false }, offline],
    ['closed connects again', closedByClient, { type: 'connect' }, {}, connecting0],
    ['connect while reconnecting skips the wait', reconnecting, { type: 'connect' }, {}, connecting2],
    ['connect while open is a no-op', open, { type: 'connect' }, {}, open],
    [
      'welcome opens',
      connecting0,
      { type: 'welcome', connectionId: 'c9', nodeId: 'n2' },
      {},
      { status: 'open', connectionId: 'c9', nodeId: 'n2', openedAt: 1000 },
    ],
    [
      'welcome outside connecting is ignored',
      idle,
      { type: 'welcome', connectionId: 'c', nodeId: 'n' },
      {},
      idle,
    ],
    [
      'an open socket lost schedules retry 1',
      open,
      lost(1006),
      {},
      { status: 'reconnecting', attempt: 1, nextAttemptAt: 1100, lastCode: 1006 },
    ],
    [
      'a failed attempt schedules the next one',
      connecting2,
      lost(1006),
      {},
      { status: 'reconnecting', attempt: 3, nextAttemptAt: 1300, lastCode: 1006 },
    ],
    [
      'retryable catalog codes retry',
      open,
      lost(4009),
      {},
      { status: 'reconnecting', attempt: 1, nextAttemptAt: 1100, lastCode: 4009 },
    ],
    [
      'going away retries',
      open,
      lost(1001),
      {},
      { status: 'reconnecting', attempt: 1, nextAttemptAt: 1100, lastCode: 1001 },
    ],
    [
      'gives up after maxReconnectAttempts',
      connecting3,
      lost(1006),
      {},
      { status: 'closed', reason: { kind: 'gave-up', attempts: 3 } },
    ],
    ['lost without network goes offline', open, lost(1006), { online: false }, offline],
    ['retry due connects', reconnecting, { type: 'retry-due' }, {}, connecting2],
    ['retry due elsewhere is ignored', open, { type: 'retry-due' }, {}, open],
    ['network offline from open', open, { type: 'network-offline' }, {}, offline],
    ['network offline from reconnecting', reconnecting, { type: 'network-offline' }, {}, offline],
    ['network offline while idle stays idle', idle, { type: 'network-offline' }, {}, idle],
    [
      'network offline while closed stays closed',
      closedByClient,
      { type: 'network-offline' },
      {},
      closedByClient,
    ],
    ['network online from offline connects at once', offline, { type: 'network-online' }, {}, connecting0],
    ['network online cuts a back-off wait short', reconnecting, { type: 'network-online' }, {}, connecting2],
    ['network online while open is a no-op', open, { type: 'network-online' }, {}, open],
    ['disconnect from open', open, { type: 'disconnect' }, {}, closedByClient],
    ['disconnect from offline', offline, { type: 'disconnect' }, {}, closedByClient],
    ['socket lost after close is ignored', closedByClient, lost(1006), {}, closedByClient],
  ])('%s', (_name, from, input, overrides, expected) => {
    expect(transition(from, input, { ...ctx, ...overrides })).toEqual(expected);
  });

  it.each([
    [1000, 'normal'],
    [4000, 'unsupportedVersion'],
    [4003, 'forbidden'],
    [4010, 'tooManyConnections'],
    [4013, 'kicked'],
  ])('close code %i (%s) is final', (code) => {
    const next = transition(open, lost(code), ctx);
    expect(next).toMatchObject({ status: 'closed', reason: { kind: 'server', code } });
    expect(sessionEnded(next)).toBeNull();
  });

  it.each([
    [4001, false, 'unauthorized'],
    [4014, true, 'expired'],
    // An admin signed the user out everywhere, or deactivated the account.
    [4015, false, 'unauthorized'],
    [4016, false, 'unauthorized'],
  ] as const)('close code %i ends the session, also while connecting', (code, expired, ended) => {
    for (const from of [open, { status: 'connecting', attempt: 3 } as const]) {
      const next = transition(from, lost(code), ctx);
      expect(next).toEqual({
        status: 'closed',
        reason: { kind: 'session-ended', code, entry: closeEntryFor(code), expired },
      });
      expect(sessionEnded(next)).toBe(ended);
    }
  });

  it.each([1001, 1006, 1011, 4008, 4009, 4011, 4012])('close code %i retries', (code) => {
    expect(transition(open, lost(code), ctx).status).toBe('reconnecting');
  });

  it('does not retry at all with reconnect off', () => {
    expect(transition(open, lost(1006), { ...ctx, reconnect: false })).toMatchObject({
      status: 'closed',
      reason: { kind: 'server', code: 1006 },
    });
  });
});
