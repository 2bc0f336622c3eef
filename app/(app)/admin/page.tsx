import type { Metadata } from 'next';
import { RealtimeStats } from '@/components/admin-stats/realtime-stats';
import { initials } from '@/components/shell/initials';
import { Badge } from '@/components/ui/badge';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/current-user';
import { listTenantUsers } from '@/lib/db/queries/users';
import { getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('admin'))('title') };
}

export default async function AdminPage() {
  // Anyone else gets app/(app)/forbidden.tsx with HTTP 403.
  const user = await requireRole('admin');
  const people = await listTenantUsers(getServices().database.db, user.tenantId);
  const t = await getT('admin');
  const tc = await getT('common');

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle', { tenant: user.tenantName })} />
      <div className="space-y-6">
        <Card>
          <CardHeader title={t('users.title')} hint={t('users.count', { count: people.length })} />
          <div className="overflow-x-auto">
            <table className="data-table" data-testid="admin-users">
              <thead>
                <tr>
                  <th scope="col">{t('users.name')}</th>
                  <th scope="col">{t('users.email')}</th>
                  <th scope="col">{t('users.role')}</th>
                </tr>
              </thead>
              <tbody>
                {people.map((person) => (
                  <tr key={person.id} data-user-id={person.id}>
                    <td>
                      <span className="flex items-center gap-3">
                        <span
                          aria-hidden
                          className="flex size-8 shrink-0 items-center justify-center rounded-full bg-slate-100 text-xs font-semibold text-slate-600"
                        >
                          {initials(person.name)}
                        </span>
                        <span className="font-medium text-slate-900">{person.name}</span>
                        {person.id === user.id ? <Badge tone="blue">{t('users.you')}</Badge> : null}
                      </span>
                    </td>
                    <td className="text-slate-600">{person.email}</td>
                    <td>
                      <Badge
                        tone={
                          person.role === 'admin' ? 'violet' : person.role === 'sales' ? 'teal' : 'neutral'
                        }
                      >
                        {tc(`roles.${person.role}`)}
                      </Badge>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        {/* Live statistics (connections, delivery, conflicts) are mounted here by the realtime layer. */}
        <div data-slot="admin-live" className="grid gap-6 empty:hidden lg:grid-cols-2">
          <RealtimeStats />
        </div>
      </div>
    </>
  );
}
