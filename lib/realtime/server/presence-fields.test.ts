import { describe, expect, it } from 'vitest';
import type { PresencePatch } from '../protocol';
import { Connection, type ScopeFields } from './connection';
import { applyConnectionFields, applyScopeFields } from './presence-fields';

const socket = { send() {}, close() {}, bufferedAmount: 0 };
const user = { id: 'u', tenantId: 't', role: 'sales' as const, name: 'U' };
const connection = () =>
  new Connection('c', user, socket, Number.MAX_SAFE_INTEGER, { messagesPerSecond: 1, burst: 1 }, 0);

describe('presence patches', () => {
  it.each<[PresencePatch, boolean, boolean, string]>([
    [{ status: 'busy' }, true, false, 'busy'],
    [{ status: 'online' }, false, false, 'online'],
    [{ hidden: true }, true, false, 'away'],
    [{ location: { page: '/orders' } }, false, true, 'online'],
    [{ cursor: { x: 1, y: 2 } }, false, true, 'online'],
    [{ activity: null, device: 'mobile' }, true, true, 'online'],
  ])(
    '%j: connection changed %s, scope changed %s, status %s',
    (patch, connectionLevel, scopeLevel, status) => {
      const conn = connection();
      const fields: ScopeFields = { updatedAt: 0 };
      expect(applyConnectionFields(conn, patch)).toBe(connectionLevel);
      expect(applyScopeFields(fields, patch, 5)).toBe(scopeLevel);
      expect(conn.status()).toBe(status);
      expect(fields.updatedAt).toBe(scopeLevel ? 5 : 0);
    },
  );

  it('an idle connection is away unless busy', () => {
    const conn = connection();
    conn.presence.idle = true;
    expect(conn.status()).toBe('away');
    applyConnectionFields(conn, { status: 'busy' });
    expect(conn.status()).toBe('busy');
  });
});
