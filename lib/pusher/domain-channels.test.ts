import { describe, expect, it } from 'vitest';
import { domainChannelOf, pusherChannelFor } from './domain-channels';

const T = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const ID = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';

describe('Laravel-style channel names', () => {
  it.each([
    ['products', `private-products.${T}`, { kind: 'products' }],
    ['orders', `private-orders.${T}`, { kind: 'orders' }],
    ['activity', `private-activity.${T}`, { kind: 'activity' }],
    ['admin', `private-admin.${T}`, { kind: 'admin' }],
    [`order:${ID}`, `private-orders.${T}.${ID}`, { kind: 'order', id: ID }],
    [`product:${ID}`, `private-products.${T}.${ID}`, { kind: 'product', id: ID }],
    [`user:${ID}`, `private-App.Models.User.${ID}`, { kind: 'user', id: ID }],
  ])('%s ↔ %s', (hub, pusher, ref) => {
    expect(pusherChannelFor(T, hub)).toBe(pusher);
    expect(domainChannelOf(pusher)?.ref).toEqual(ref);
  });

  it('does not bridge conversations or tenant presence events', () => {
    expect(pusherChannelFor(T, `conversation:${ID}`)).toBeNull();
    expect(pusherChannelFor(T, 'presence')).toBeNull();
    expect(pusherChannelFor(T, 'nonsense')).toBeNull();
  });

  it.each([
    [`presence-online.${T}`, { tenantId: T, ref: { kind: 'presence' }, presence: true }],
    [`presence-orders.${T}.${ID}`, { tenantId: T, ref: { kind: 'order', id: ID }, presence: true }],
    [`private-conversation.${T}.${ID}`, null],
    [`presence-products.${T}`, null],
    [`private-products.${T}.${ID}.x`, null],
    ['news', null],
  ])('reads %s', (name, expected) => {
    expect(domainChannelOf(name)).toEqual(expected);
  });
});
