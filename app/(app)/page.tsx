import type { Metadata } from 'next';
import { DashboardLive } from '@/components/collab/dashboard-live';
import {
  DashboardLowStock,
  DashboardRecentOrders,
  DashboardStats,
} from '@/components/dashboard/dashboard-live-summary';
import { LiveStatusCounts } from '@/components/orders/live-status-counts';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/current-user';
import { dashboardSummary } from '@/lib/db/queries/dashboard';
import { getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('dashboard'))('title') };
}

export default async function DashboardPage() {
  const user = await requireUser();
  const { db } = getServices().database;
  const renderedAt = Date.now();
  // One read for every card and list: the figures agree with each other on the first render; events keep them so.
  const { counts, ...initial } = await dashboardSummary(db, user.tenantId);
  const t = await getT('dashboard');

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle', { tenant: user.tenantName })} />
      <DashboardStats initial={initial} counts={counts} renderedAt={renderedAt} />
      <div className="mt-6 grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <DashboardRecentOrders initial={initial} renderedAt={renderedAt} />
        <div className="space-y-6">
          <Card>
            <CardHeader title={t('byStatus')} />
            <LiveStatusCounts initial={counts} renderedAt={renderedAt} />
          </Card>
          <DashboardLowStock initial={initial} renderedAt={renderedAt} />
        </div>
      </div>
      <DashboardLive user={{ id: user.id, name: user.name, role: user.role }} />
    </>
  );
}
