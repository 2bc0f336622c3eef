import { describe, expect, it } from 'vitest';
import { defaultOrderPolicy } from '@/lib/sync/policy';
import type { LeaseView } from '@/lib/sync/types';
import { nextStatuses, type StatusPushReply, statusBlock, statusMoveOutcome } from './status-moves';

const lease = (userName: string): LeaseView => ({
  key: 'k',
  section: 'status',
  userId: `id-${userName}`,
  userName,
  acquiredAt: 0,
  expiresAt: 1,
  connectionId: null,
});

describe('nextStatuses', () => {
  it.each([
    ['draft', ['pending', 'cancelled']],
    ['pending', ['confirmed', 'cancelled']],
    ['confirmed', ['shipped', 'cancelled']],
    ['shipped', ['delivered']],
    ['delivered', []],
    ['cancelled', []],
  ] as const)('%s offers %j', (status, next) => {
    expect(nextStatuses(status)).toEqual(next);
  });
});

describe('statusBlock', () => {
  const can = {
    staff: true,
    ready: true,
    connected: true,
    policy: defaultOrderPolicy,
    lease: null,
    mine: false,
  };
  it.each([
    ['a viewer', { ...can, staff: false, mine: true }, { kind: 'viewer' }],
    ['before the order is open', { ...can, ready: false }, { kind: 'connecting' }],
    ['offline', { ...can, connected: false }, { kind: 'offline' }],
    ['lock-based, nobody holds the lock', can, { kind: 'need-lock' }],
    ['lock-based, Anna holds it', { ...can, lease: lease('Anna') }, { kind: 'locked-by', name: 'Anna' }],
    ['lock-based, I hold it', { ...can, lease: lease('Me'), mine: true }, null],
    [
      'last-write-wins',
      { ...can, policy: { ...defaultOrderPolicy, status: 'last-write-wins' as const } },
      null,
    ],
    ['manual', { ...can, policy: { ...defaultOrderPolicy, status: 'manual' as const } }, null],
  ])('%s', (_name, input, expected) => {
    expect(statusBlock(input)).toEqual(expected);
  });
});

describe('statusMoveOutcome', () => {
  const result = (r: {
    status: string;
    code?: string;
    details?: unknown;
    theirs?: { userName: string };
  }): StatusPushReply => ({
    ok: true,
    result: { results: [r] },
  });
  const failed = (code: string): StatusPushReply => ({ ok: false, error: { code } });
  it.each([
    ['applied', result({ status: 'applied' }), null, { kind: 'applied' }],
    [
      'a conflict (manual policy)',
      result({ status: 'conflict', theirs: { userName: 'Napa' } }),
      null,
      { kind: 'conflict', name: 'Napa' },
    ],
    [
      'not enough stock',
      result({ status: 'rejected', code: 'CONFLICT' }),
      null,
      { kind: 'refused', reason: 'stock' },
    ],
    [
      'not enough stock of a named product (the service says which)',
      result({
        status: 'rejected',
        code: 'CONFLICT',
        details: {
          reason: 'insufficient_stock',
          items: [{ productId: 'p1', sku: 'SKU-1', requested: 12, available: -2 }],
        },
      }),
      null,
      { kind: 'refused', reason: 'stock', shortage: { productId: 'p1', requested: 12, available: 0 } },
    ],
    [
      'a transition the status no longer allows',
      result({ status: 'rejected', code: 'VALIDATION' }),
      null,
      { kind: 'refused', reason: 'transition' },
    ],
    [
      'locked by someone',
      result({ status: 'rejected', code: 'LOCKED' }),
      'Anna',
      { kind: 'refused', reason: 'lockedBy', name: 'Anna' },
    ],
    [
      'my lock lapsed',
      result({ status: 'rejected', code: 'LOCKED' }),
      null,
      { kind: 'refused', reason: 'needLock' },
    ],
    [
      'stale',
      result({ status: 'rejected', code: 'STALE_VERSION' }),
      null,
      { kind: 'refused', reason: 'stale' },
    ],
    ['a viewer', failed('FORBIDDEN'), null, { kind: 'refused', reason: 'forbidden' }],
    ['no connection', failed('UNAVAILABLE'), null, { kind: 'refused', reason: 'offline' }],
    ['gone', failed('NOT_FOUND'), null, { kind: 'refused', reason: 'notFound' }],
    ['anything else', failed('INTERNAL'), null, { kind: 'refused', reason: 'failed' }],
    ['an empty answer', { ok: true, result: { results: [] } }, null, { kind: 'refused', reason: 'failed' }],
  ] as const)('%s', (_name, reply, holder, expected) => {
    expect(statusMoveOutcome(reply, holder)).toEqual(expected);
  });
});
