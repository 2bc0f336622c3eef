import { describe, expect, it } from 'vitest';
import type { GuardedChange } from './guards';
import { refuseChange } from './guards';

const admin = { id: 'a1', role: 'admin', active: true } as const;
const otherAdmin = { id: 'a2', role: 'admin', active: true } as const;
const sales = { id: 's1', role: 'sales', active: true } as const;
const formerAdmin = { id: 'a3', role: 'admin', active: false } as const;

describe('refuseChange', () => {
  it.each<
    [
      string,
      string,
      { id: string; role: 'admin' | 'sales' | 'viewer'; active: boolean },
      GuardedChange,
      string[],
      string | null,
    ]
  >([
    ['the last admin lowering themselves', 'a1', admin, { role: 'sales' }, ['a1'], 'LAST_ADMIN'],
    ['lowering the last admin', 'a9', admin, { role: 'viewer' }, ['a1'], 'LAST_ADMIN'],
    ['deactivating the last admin', 'a9', admin, { active: false }, ['a1'], 'LAST_ADMIN'],
    ['lowering one of two admins', 'a2', admin, { role: 'sales' }, ['a1', 'a2'], null],
    ['lowering yourself when another admin exists', 'a1', admin, { role: 'viewer' }, ['a1', 'a2'], null],
    ['deactivating one of two admins', 'a1', otherAdmin, { active: false }, ['a1', 'a2'], null],
    ['deactivating yourself', 'a1', admin, { active: false }, ['a1', 'a2'], 'OWN_ACCOUNT'],
    ['keeping the admin role', 'a1', admin, { role: 'admin' }, ['a1'], null],
    ['lowering a sales person', 'a1', sales, { role: 'viewer' }, ['a1'], null],
    ['deactivating a sales person', 'a1', sales, { active: false }, ['a1'], null],
    ['reactivating a former admin', 'a1', formerAdmin, { active: true }, ['a1'], null],
    ['lowering an inactive admin', 'a1', formerAdmin, { role: 'sales' }, ['a1'], null],
    ['raising a sales person', 'a1', sales, { role: 'admin' }, ['a1'], null],
  ])('%s', (_name, actorId, target, change, admins, expected) => {
    expect(refuseChange(actorId, target, change, admins)).toBe(expected);
  });
});
