import { describe, expect, it } from 'vitest';
import type { EntityChangeRow, SyncConflictRow } from '../db/schema';
import { catalogEventActivity } from './catalog-activity';
import { lockActivity, syncCommitActivity } from './sync-activity';

const actor = { id: 'u1', name: 'Anna' };
const base = { tenantId: 't1', actor, entityId: 'o1' };

describe('catalog activity', () => {
  it.each([
    [
      'products',
      'product.created',
      { id: 'p1', product: { name: 'Soap' } },
      { action: 'created', entityType: 'product', entityLabel: 'Soap' },
    ],
    [
      'products',
      'product.updated',
      { id: 'p1', changes: { price: { before: 1, after: 2 } } },
      { action: 'updated', changes: { price: { before: 1, after: 2 } } },
    ],
    ['products', 'product.deleted', { id: 'p1', name: 'Soap' }, { action: 'deleted', entityLabel: 'Soap' }],
    [
      'customers',
      'customer.created',
      { id: 'c1', customer: { name: 'Kit' } },
      { action: 'created', entityType: 'customer' },
    ],
    [
      'orders',
      'order.status_changed',
      { id: 'o1', number: 'SO-1', from: 'draft', to: 'pending' },
      { action: 'updated', entityLabel: 'SO-1', changes: { status: { before: 'draft', after: 'pending' } } },
    ],
  ])('%s %s is one action', (channel, event, data, expected) => {
    const [activity, ...rest] = catalogEventActivity({ tenantId: 't1', channel, event, data, actor });
    expect(rest).toEqual([]);
    expect(activity).toMatchObject(expected);
  });

  it('ignores the per-entity copies and the consequences (stock, prices)', () => {
    expect(
      catalogEventActivity({
        tenantId: 't1',
        channel: 'product:p1',
        event: 'product.updated',
        data: {},
        actor,
      }),
    ).toEqual([]);
    expect(
      catalogEventActivity({ tenantId: 't1', channel: 'inventory', event: 'stock.changed', data: {}, actor }),
    ).toEqual([]);
    expect(
      catalogEventActivity({ tenantId: 't1', channel: 'products', event: 'product.created', data: {} }),
    ).toEqual([]);
  });
});

describe('sync activity', () => {
  it('records an update with its field change and tells the overwritten user', () => {
    const applied = {
      entityId: 'o1',
      field: 'lines.l1.quantity',
      before: 2,
      after: 5,
      version: 7,
      strategy: 'last-write-wins',
      kind: 'change',
      overwrote: { userId: 'u2', userName: 'Napa', version: 6, at: 1, field: 'lines.l1.quantity' },
    } as unknown as EntityChangeRow;
    const [update] = syncCommitActivity(base, applied, null);
    expect(update).toMatchObject({
      action: 'updated',
      changes: { 'lines.l1.quantity': { before: 2, after: 5 } },
      notify: [{ userId: 'u2', kind: 'sync.overwritten' }],
    });
  });

  it('tells both people of a conflict', () => {
    const conflict = {
      id: 'c1',
      entityId: 'o1',
      field: 'shippingAddress',
      mine: { line1: 'b' },
      theirs: { line1: 'a' },
      mineUserId: 'u1',
      mineUserName: 'Anna',
      theirsUserId: 'u2',
      theirsUserName: 'Napa',
    } as unknown as SyncConflictRow;
    const [entry] = syncCommitActivity(base, null, conflict);
    expect(entry?.action).toBe('conflicted');
    expect(entry?.notify?.map((n) => n.userId)).toEqual(['u1', 'u2']);
  });

  it('tells the previous holder when an admin force-releases a lock', () => {
    const entry = lockActivity(base, 'status', false, { previousHolder: { userId: 'u2', userName: 'Napa' } });
    expect(entry).toMatchObject({
      action: 'unlocked',
      meta: { section: 'status', forced: true, previousHolder: 'Napa' },
    });
    expect(entry.notify).toEqual([
      expect.objectContaining({ userId: 'u2', kind: 'sync.lock_force_released' }),
    ]);
  });
});
