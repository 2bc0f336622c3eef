import type { Metadata } from 'next';
import { parseOrderListParams } from '@/components/orders/list-params';
import { OrdersTable } from '@/components/orders/orders-table';
import { StatusTabs } from '@/components/orders/status-tabs';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { SearchForm } from '@/components/ui/search-form';
import { requireUser } from '@/lib/auth/current-user';
import { listOrders, orderStats } from '@/lib/db/queries/orders';
import { getT } from '@/lib/i18n/server';
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
  const [page, stats] = await Promise.all([
    listOrders(db, user.tenantId, filter),
    orderStats(db, user.tenantId),
  ]);
  const t = await getT('orders');
  const tc = await getT('common');
  const query = { status: filter.status, q: filter.search };
  const filtered = Boolean(filter.status || filter.search);

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle', { tenant: user.tenantName })} />
      <div className="mb-4 flex flex-col gap-3 xl:flex-row xl:items-center xl:justify-between">
        <StatusTabs current={filter.status} search={filter.search} counts={stats.counts} />
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
        {page.rows.length ? (
          <>
            <OrdersTable rows={page.rows} />
            <Pagination path="/orders" query={query} {...page} />
          </>
        ) : (
          <EmptyState title={tc('empty.noResults')} body={filtered ? tc('empty.tryAgain') : undefined} />
        )}
      </Card>
    </>
  );
}
