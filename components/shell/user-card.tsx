import { Avatar } from '@/components/collab/avatar';
import type { SessionUser } from '@/lib/auth/current-user';
import { getT } from '@/lib/i18n/server';

/** The signed-in user: avatar, name, role and tenant. */
export async function UserCard({ user }: { user: SessionUser }) {
  const t = await getT('common');
  return (
    <div className="flex min-w-0 items-center gap-3" data-testid="current-user" data-role={user.role}>
      <Avatar userId={user.id} name={user.name} size="lg" decorative ring={false} />
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
