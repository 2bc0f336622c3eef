import type { Metadata } from 'next';
import Link from 'next/link';
import { parseOrderListParams } from '@/components/orders/list-params';
import { LiveStatusTabs, OrdersLive } from '@/components/orders/orders-live';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { SearchForm } from '@/components/ui/search-form';
import { requireUser } from '@/lib/auth/current-user';
import { listOrders, orderStats } from '@/lib/db/queries/orders';
import { getT } from '@/lib/i18n/server';
import { LiveNotice } from '@/lib/live/live-notice';
import { getServices } from '@/lib/server/services';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('orders'))('title') };
}

export default async function OrdersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const filter = parseOrderListParams(await searchParams);
  const { db } = getServices().database;
  const renderedAt = Date.now();
  const [page, stats] = await Promise.all([
    listOrders(db, user.tenantId, filter),
    orderStats(db, user.tenantId),
  ]);
  const t = await getT('orders');
  const query = { status: filter.status, q: filter.search };

  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle', { tenant: user.tenantName })}
        actions={
          user.role === 'viewer' ? null : (
            <Link href="/orders/new" className="btn-primary" data-testid="new-order">
              + {t('new.button')}
            </Link>
          )
        }
      />
      <LiveNotice />
      <div className="mb-4 flex flex-col gap-3">
        <LiveStatusTabs
          current={filter.status}
          search={filter.search}
          counts={stats.counts}
          renderedAt={renderedAt}
        />
        <SearchForm
          action="/orders"
          query={filter.search}
          placeholder={t('searchPlaceholder')}
          hidden={{ status: filter.status }}
          clearHref={
            filter.search ? (filter.status ? `/orders?status=${filter.status}` : '/orders') : undefined
          }
        />
      </div>
      <Card>
        <OrdersLive
          initial={{
            ...page,
            rows: page.rows.map((row) => ({
              ...row,
              createdAt: row.createdAt.toISOString(),
              updatedAt: row.updatedAt.toISOString(),
            })),
          }}
          filter={filter}
          renderedAt={renderedAt}
          canWrite={user.role !== 'viewer'}
        />
        {page.total > 0 ? <Pagination path="/orders" query={query} {...page} /> : null}
      </Card>
    </>
  );
}
