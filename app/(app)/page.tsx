import Link from 'next/link';
import { DashboardLive } from '@/components/collab/dashboard-live';
import { LiveStatusCounts } from '@/components/orders/live-status-counts';
import { OrdersTable } from '@/components/orders/orders-table';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/current-user';
import { orderStats, recentOrders } from '@/lib/db/queries/orders';
import { lowStockProducts } from '@/lib/db/queries/products';
import { getFormatters, getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

function Stat({
  label,
  value,
  hint,
  testId,
}: {
  label: string;
  value: string;
  hint?: string;
  testId: string;
}) {
  return (
    <Card className="px-5 py-4">
      <p className="text-sm text-slate-500">{label}</p>
      <p className="tabular mt-1 text-2xl font-semibold tracking-tight text-slate-900" data-testid={testId}>
        {value}
      </p>
      {hint ? <p className="mt-1 text-xs text-slate-500">{hint}</p> : null}
    </Card>
  );
}

export default async function DashboardPage() {
  const user = await requireUser();
  const { db } = getServices().database;
  const renderedAt = Date.now();
  const [stats, recent, lowStock] = await Promise.all([
    orderStats(db, user.tenantId),
    recentOrders(db, user.tenantId, 6),
    lowStockProducts(db, user.tenantId, 6),
  ]);
  const t = await getT('dashboard');
  const format = await getFormatters();
  const open = stats.counts.draft + stats.counts.pending;

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle', { tenant: user.tenantName })} />
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat
          label={t('revenue.title')}
          value={format.price(stats.revenueMinor)}
          hint={t('revenue.hint')}
          testId="stat-revenue"
        />
        <Stat label={t('ordersTotal')} value={format.number(stats.total)} testId="stat-orders" />
        <Stat
          label={t('openOrders.title')}
          value={format.number(open)}
          hint={t('openOrders.hint')}
          testId="stat-open"
        />
        <Stat
          label={t('lowStock.title')}
          value={format.number(lowStock.total)}
          hint={t('lowStock.hint')}
          testId="stat-low-stock"
        />
      </div>

      <div className="mt-6 grid gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card className="self-start">
          <CardHeader
            title={t('recent.title')}
            action={
              <Link href="/orders" className="font-medium text-brand-700 hover:underline">
                {t('recent.viewAll')} →
              </Link>
            }
          />
          {recent.length ? <OrdersTable rows={recent} compact /> : <EmptyState title={t('recent.empty')} />}
        </Card>

        <div className="space-y-6">
          <Card>
            <CardHeader title={t('byStatus')} />
            <LiveStatusCounts initial={stats.counts} renderedAt={renderedAt} />
          </Card>

          <Card>
            <CardHeader
              title={t('lowStock.title')}
              hint={t('lowStock.hint')}
              action={
                <Link href="/products?low=1" className="font-medium text-brand-700 hover:underline">
                  {t('lowStock.viewAll')} →
                </Link>
              }
            />
            {lowStock.rows.length ? (
              <ul className="divide-y divide-slate-100" data-testid="low-stock-list">
                {lowStock.rows.map((product) => (
                  <li
                    key={product.id}
                    className="flex items-center justify-between gap-3 px-5 py-2.5 text-sm"
                  >
                    <Link href={`/products/${product.id}`} className="min-w-0 hover:underline">
                      <span className="block truncate font-medium text-slate-900">{product.name}</span>
                      <span className="block font-mono text-xs text-slate-500">{product.sku}</span>
                    </Link>
                    <span
                      className={`tabular shrink-0 rounded-full px-2 py-0.5 text-xs font-medium ${
                        product.stock === 0 ? 'bg-rose-50 text-rose-700' : 'bg-amber-50 text-amber-800'
                      }`}
                    >
                      {t('lowStock.stock', { count: product.stock })}
                    </span>
                  </li>
                ))}
              </ul>
            ) : (
              <EmptyState title={t('lowStock.empty')} />
            )}
          </Card>
        </div>
      </div>
      <DashboardLive user={{ id: user.id, name: user.name, role: user.role }} />
    </>
  );
}
