import type { Metadata } from 'next';
import { PeopleConsole } from '@/components/admin/people-console';
import { RealtimeStats } from '@/components/admin-stats/realtime-stats';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/current-user';
import { getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('admin'))('title') };
}

export default async function AdminPage() {
  // Anyone else gets app/(app)/forbidden.tsx with HTTP 403.
  const user = await requireRole('admin');
  const people = await getServices().people.list(user);
  const t = await getT('admin');

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle', { tenant: user.tenantName })} />
      <div className="space-y-6">
        <PeopleConsole
          initial={people.ok ? people.value : []}
          user={{ id: user.id, name: user.name, role: user.role }}
        />
        {/* Live statistics (connections, delivery, conflicts) are mounted here by the realtime layer. */}
        <div data-slot="admin-live" className="grid gap-6 empty:hidden lg:grid-cols-2">
          <RealtimeStats />
        </div>
      </div>
    </>
  );
}
