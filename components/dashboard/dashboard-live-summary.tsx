'use client';

import type { QueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslation } from 'react-i18next';
import { LiveStatusBadge, useLiveStatusCounts } from '@/components/orders/orders-live';
import { Card, CardHeader } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { useLocale } from '@/lib/i18n/use-locale';
import type { DashboardData } from '@/lib/live/dashboard';
import { dashboardAnswer } from '@/lib/live/dashboard';
import { liveKeys, liveUrls } from '@/lib/live/query-keys';
import type { LiveEvent, StatusCounts } from '@/lib/live/types';
import { useLiveChannel } from '@/lib/live/use-live-channel';
import { fetchJson, useLiveQuery } from '@/lib/live/use-live-query';

type Props = { initial: DashboardData; counts: StatusCounts; renderedAt: number };

/**
 * The dashboard's revenue, newest orders and low stock, read again (one request) whenever an order, a product or
 * its stock changes: `orders` and `customers` events reach it through the page's one `useOrdersLive` (mounted by
 * the status counts), `products` and `inventory` through the subscription here.
 */
function useDashboard({ initial, renderedAt }: Pick<Props, 'initial' | 'renderedAt'>) {
  return useLiveQuery({
    queryKey: liveKeys.dashboard,
    queryFn: () => fetchJson(liveUrls.dashboard, dashboardAnswer),
    initialData: initial,
    initialDataUpdatedAt: renderedAt,
  }).data;
}

function useStockLive() {
  const invalidate = (_event: LiveEvent, queryClient: QueryClient) =>
    void queryClient.invalidateQueries({ queryKey: liveKeys.dashboard });
  useLiveChannel('inventory', [liveKeys.dashboard], invalidate);
  return useLiveChannel('products', [liveKeys.dashboard], invalidate);
}

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

/** The four stat cards. Order counts come from the live status counts, so "Open orders" always equals their sum. */
export function DashboardStats({ initial, counts: initialCounts, renderedAt }: Props) {
  const { t } = useTranslation('dashboard');
  const { format } = useLocale();
  const live = useStockLive();
  const data = useDashboard({ initial, renderedAt });
  const counts = useLiveStatusCounts(initialCounts, renderedAt);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return (
    <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4" data-testid="dashboard-stats" data-live={live}>
      <Stat
        label={t('revenue.title')}
        value={format.price(data.revenueMinor)}
        hint={t('revenue.hint')}
        testId="stat-revenue"
      />
      <Stat label={t('ordersTotal')} value={format.number(total)} testId="stat-orders" />
      <Stat
        label={t('openOrders.title')}
        value={format.number(counts.draft + counts.pending)}
        hint={t('openOrders.hint')}
        testId="stat-open"
      />
      <Stat
        label={t('lowStock.title')}
        value={format.number(data.lowStock.total)}
        hint={t('lowStock.hint')}
        testId="stat-low-stock"
      />
    </div>
  );
}

/** The newest orders, as the live dashboard query has them. */
export function DashboardRecentOrders({ initial, renderedAt }: Pick<Props, 'initial' | 'renderedAt'>) {
  const { t } = useTranslation(['dashboard', 'orders']);
  const { format } = useLocale();
  const { recent } = useDashboard({ initial, renderedAt });
  return (
    <Card className="self-start">
      <CardHeader
        title={t('recent.title')}
        action={
          <Link href="/orders" className="font-medium text-brand-700 hover:underline">
            {t('recent.viewAll')} →
          </Link>
        }
      />
      {recent.length === 0 ? (
        <EmptyState title={t('recent.empty')} />
      ) : (
        <div className="overflow-x-auto">
          <table className="data-table" data-testid="recent-orders">
            <thead>
              <tr>
                <th scope="col">{t('orders:columns.number')}</th>
                <th scope="col">{t('orders:columns.customer')}</th>
                <th scope="col">{t('orders:columns.status')}</th>
                <th scope="col" className="text-right">
                  {t('orders:columns.total')}
                </th>
                <th scope="col" className="hidden sm:table-cell">
                  {t('orders:columns.created')}
                </th>
              </tr>
            </thead>
            <tbody>
              {recent.map((order) => (
                <tr key={order.id} data-order-id={order.id} data-order-number={order.number}>
                  <td className="font-medium whitespace-nowrap">
                    <Link
                      href={`/orders/${order.id}`}
                      className="text-brand-700 hover:text-brand-900 hover:underline"
                    >
                      {order.number}
                    </Link>
                  </td>
                  <td className="max-w-64">
                    <span className="block truncate text-slate-900" data-testid="recent-customer">
                      {order.customerName}
                    </span>
                    {order.customerCompany ? (
                      <span className="block truncate text-xs text-slate-500">{order.customerCompany}</span>
                    ) : null}
                  </td>
                  <td>
                    <LiveStatusBadge status={order.status} />
                  </td>
                  <td className="tabular text-right font-medium whitespace-nowrap" data-testid="recent-total">
                    {format.price(order.totalMinor)}
                  </td>
                  <td className="hidden whitespace-nowrap text-slate-500 sm:table-cell">
                    {format.date(order.createdAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}

/** Products at or below their threshold, as the live dashboard query has them. */
export function DashboardLowStock({ initial, renderedAt }: Pick<Props, 'initial' | 'renderedAt'>) {
  const { t } = useTranslation('dashboard');
  const { lowStock } = useDashboard({ initial, renderedAt });
  return (
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
              data-product-id={product.id}
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
  );
}
