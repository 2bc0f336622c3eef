import type { SessionUser } from '@/lib/auth/current-user';
import { getT } from '@/lib/i18n/server';
import { initials } from './initials';

/** The signed-in user: avatar, name, role and tenant. */
export async function UserCard({ user }: { user: SessionUser }) {
  const t = await getT('common');
  return (
    <div className="flex min-w-0 items-center gap-3" data-testid="current-user" data-role={user.role}>
      <div
        aria-hidden
        className="flex size-9 shrink-0 items-center justify-center rounded-full bg-brand-500 text-sm font-semibold text-white"
      >
        {initials(user.name)}
      </div>
      <div className="min-w-0 leading-tight">
        <p className="truncate text-sm font-medium text-white" data-testid="current-user-name">
          {user.name}
        </p>
        <p className="truncate text-xs text-slate-400">
          <span data-testid="current-user-role">{t(`roles.${user.role}`)}</span>
          <span aria-hidden> · </span>
          <span data-testid="current-user-tenant">{user.tenantName}</span>
        </p>
      </div>
    </div>
  );
}
