import { describe, expect, it } from 'vitest';
import { parseChannel } from '../realtime/protocol/channels';
import { type AccessMode, type ChannelGuard, type ChannelUser, canAccessChannel } from './channel-access';

const tenantId = '00000000-0000-4000-8000-000000000001';
const users: Record<string, ChannelUser> = {
  admin: { id: 'u-admin', tenantId, role: 'admin', name: 'Admin' },
  sales: { id: 'u-sales', tenantId, role: 'sales', name: 'Sales' },
  viewer: { id: 'u-viewer', tenantId, role: 'viewer', name: 'Viewer' },
};
const guards = new Map<'conversation', ChannelGuard>([
  ['conversation', async (user, id) => id === 'c1' && user.id !== 'u-admin'],
]);

describe('canAccessChannel', () => {
  it.each([
    ['sales', 'orders', 'read', true],
    ['viewer', 'orders', 'read', true],
    ['admin', 'orders', 'write', false],
    ['viewer', 'order:42', 'read', true],
    ['viewer', 'order:42', 'write', false],
    ['sales', 'order:42', 'write', true],
    ['sales', 'product:7', 'write', true],
    ['viewer', 'presence', 'read', true],
    ['sales', 'admin', 'read', false],
    ['admin', 'admin', 'read', true],
    ['admin', 'admin', 'write', false],
    ['sales', 'user:u-sales', 'read', true],
    ['sales', 'user:u-admin', 'read', false],
    ['admin', 'user:u-sales', 'read', false],
    ['sales', 'conversation:c1', 'read', true],
    ['sales', 'conversation:c2', 'read', false],
    ['admin', 'conversation:c1', 'read', false],
    ['viewer', 'conversation:c1', 'read', true],
    ['viewer', 'conversation:c1', 'write', false],
  ] as const)('%s %s %s -> %s', async (who, channel, mode, expected) => {
    const ref = parseChannel(channel);
    expect(ref).not.toBeNull();
    expect(await canAccessChannel(users[who]!, ref!, mode as AccessMode, guards)).toBe(expected);
  });

  it('denies a guarded kind until its guard is registered', async () => {
    expect(await canAccessChannel(users.sales!, parseChannel('conversation:c1')!, 'read', new Map())).toBe(
      false,
    );
  });
});
