'use client';

import Link from 'next/link';
import { useTranslation } from 'react-i18next';
import { Badge } from '@/components/ui/badge';
import { statusTones } from '@/components/ui/status-tones';
import { orderPageAnswer, statusCountsAnswer } from '@/lib/catalog/contract';
import type { OrderStatus } from '@/lib/db/schema';
import { useLocale } from '@/lib/i18n/use-locale';
import { liveKeys, liveUrls } from '@/lib/live/query-keys';
import type { ListPage, OrderFilter, OrderRow, StatusCounts } from '@/lib/live/types';
import { fetchJson, useLiveQuery } from '@/lib/live/use-live-query';
import { useOrdersLive } from '@/lib/live/use-orders-live';
import { StatusControl } from './status-control';

const statuses = Object.keys(statusTones) as OrderStatus[];

export function LiveStatusBadge({ status }: { status: OrderStatus }) {
  const { t } = useTranslation('common');
  return (
    <span data-status={status}>
      <Badge tone={statusTones[status]}>{t(`orderStatus.${status}`)}</Badge>
    </span>
  );
}

function href(status: OrderStatus | undefined, search: string) {
  const params = new URLSearchParams();
  if (status) params.set('status', status);
  if (search) params.set('q', search);
  const query = params.toString();
  return query ? `/orders?${query}` : '/orders';
}

/**
 * The tenant's order counts per status from the shared cache. Events reach it through the one `useOrdersLive` of
 * the page (the counts are deltas: two subscribers would count every change twice).
 */
export function useLiveStatusCounts(initial: StatusCounts, renderedAt: number) {
  return useLiveQuery({
    queryKey: liveKeys.orderStats,
    queryFn: () => fetchJson(liveUrls.orderStats, statusCountsAnswer),
    initialData: initial,
    initialDataUpdatedAt: renderedAt,
  }).data;
}

/** Status tabs with live counts (shown while no search narrows the list). */
export function LiveStatusTabs({
  current,
  search,
  counts: initial,
  renderedAt,
}: {
  current?: OrderStatus;
  search: string;
  counts: StatusCounts;
  renderedAt: number;
}) {
  const { t } = useTranslation(['common', 'orders']);
  const { format } = useLocale();
  const counts = useLiveStatusCounts(initial, renderedAt);
  const tabs: { status?: OrderStatus; label: string; count: number }[] = [
    { label: t('common:filter.all'), count: Object.values(counts).reduce((sum, n) => sum + n, 0) },
    ...statuses.map((status) => ({
      status,
      label: t(`common:orderStatus.${status}`),
      count: counts[status],
    })),
  ];
  return (
    <nav aria-label={t('orders:statusFilter')} className="-mx-1 overflow-x-auto">
      <ul className="flex gap-1 px-1" data-testid="status-tabs">
        {tabs.map((tab) => {
          const active = tab.status === current;
          return (
            <li key={tab.status ?? 'all'}>
              <Link
                href={href(tab.status, search)}
                aria-current={active ? 'page' : undefined}
                data-status-tab={tab.status ?? 'all'}
                className={`block rounded-lg px-3 py-1.5 text-sm font-medium whitespace-nowrap transition-colors ${
                  active
                    ? 'bg-slate-900 text-white'
                    : 'text-slate-600 hover:bg-slate-200/60 hover:text-slate-900'
                }`}
              >
                {tab.label}
                {search ? null : (
                  <span
                    className={`tabular ml-1.5 text-xs ${active ? 'text-slate-300' : 'text-slate-500'}`}
                    data-testid="tab-count"
                  >
                    {format.number(tab.count)}
                  </span>
                )}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** The order list, kept true by `orders` events; staff move orders along from the row. */
export function OrdersLive({
  initial,
  filter,
  renderedAt,
  canWrite,
}: {
  initial: ListPage<OrderRow>;
  filter: OrderFilter;
  renderedAt: number;
  canWrite: boolean;
}) {
  const { t } = useTranslation(['orders', 'live']);
  const { format } = useLocale();
  const live = useOrdersLive();
  const { data } = useLiveQuery({
    queryKey: liveKeys.orderList(filter),
    queryFn: () => fetchJson(liveUrls.orderList(filter), orderPageAnswer),
    initialData: initial,
    initialDataUpdatedAt: renderedAt,
  });
  if (data.rows.length === 0)
    return (
      <p className="px-6 py-14 text-center font-medium text-slate-700" data-testid="orders-empty">
        {t('live:list.empty')}
      </p>
    );
  return (
    // `relative`: the screen-reader-only legends of the rows are clipped by this box, not by the page.
    <div className="relative overflow-x-auto">
      {/* On a phone each order is a card (phone-cards): number and status, customer and total, date and items. */}
      <table
        className="data-table phone-cards"
        data-testid="orders-table"
        data-total={data.total}
        data-live={live}
      >
        <thead>
          <tr>
            <th scope="col">{t('columns.number')}</th>
            <th scope="col">{t('columns.customer')}</th>
            <th scope="col">{t('columns.status')}</th>
            <th scope="col" className="text-right">
              {t('columns.items')}
            </th>
            <th scope="col" className="text-right">
              {t('columns.total')}
            </th>
            <th scope="col">{t('columns.created')}</th>
            {canWrite ? <th scope="col">{t('live:orders.changeStatus')}</th> : null}
          </tr>
        </thead>
        <tbody>
          {data.rows.map((order) => (
            <tr
              key={order.id}
              data-order-id={order.id}
              data-order-number={order.number}
              data-status={order.status}
            >
              <td className="font-medium whitespace-nowrap max-sm:col-start-1 max-sm:row-start-1">
                <Link
                  href={`/orders/${order.id}`}
                  className="text-brand-700 hover:text-brand-900 hover:underline"
                >
                  {order.number}
                </Link>
              </td>
              <td className="max-w-64 max-sm:col-start-1 max-sm:row-start-2 max-sm:max-w-none">
                <span className="block truncate text-slate-900">{order.customerName}</span>
                {order.customerCompany ? (
                  <span className="block truncate text-xs text-slate-500">{order.customerCompany}</span>
                ) : null}
              </td>
              <td className="max-sm:col-start-2 max-sm:row-start-1 max-sm:justify-self-end">
                <LiveStatusBadge status={order.status} />
              </td>
              <td
                className="tabular text-right text-slate-600 max-sm:col-start-2 max-sm:row-start-3 max-sm:text-xs"
                data-testid="order-items"
                data-label={t('columns.items')}
              >
                {format.number(order.itemCount)}
              </td>
              <td
                className="tabular text-right font-medium whitespace-nowrap max-sm:col-start-2 max-sm:row-start-2 max-sm:self-start"
                data-testid="order-total"
              >
                {format.price(order.totalMinor)}
              </td>
              <td className="whitespace-nowrap text-slate-500 max-sm:col-start-1 max-sm:row-start-3 max-sm:text-xs">
                {format.date(order.createdAt)}
              </td>
              {canWrite ? (
                <td className="whitespace-nowrap max-sm:col-span-2 max-sm:row-start-4 max-sm:whitespace-normal max-sm:empty:hidden">
                  <StatusControl orderId={order.id} number={order.number} status={order.status} compact />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
