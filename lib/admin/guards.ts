import type { AdminRole } from './contract';

export type GuardedChange = { role: AdminRole } | { active: boolean };

export type GuardRefusal = 'LAST_ADMIN' | 'OWN_ACCOUNT';

/**
 * Whether an admin may make this change to a person. A tenant keeps at least one active admin: the last one can
 * be neither lowered nor deactivated (`activeAdmins`: the tenant's active admins, read under lock). Nobody
 * deactivates their own account (another admin must).
 */
export function refuseChange(
  actorId: string,
  target: { id: string; role: AdminRole; active: boolean },
  change: GuardedChange,
  activeAdmins: readonly string[],
): GuardRefusal | null {
  if ('active' in change && !change.active && target.id === actorId) return 'OWN_ACCOUNT';
  const losesAdmin =
    target.role === 'admin' &&
    target.active &&
    (('role' in change && change.role !== 'admin') || ('active' in change && !change.active));
  if (!losesAdmin) return null;
  const others = activeAdmins.filter((id) => id !== target.id);
  return others.length === 0 ? 'LAST_ADMIN' : null;
}
