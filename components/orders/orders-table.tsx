import Link from 'next/link';
import { StatusBadge } from '@/components/ui/status-badge';
import type { OrderListRow } from '@/lib/db/queries/orders';
import { getFormatters, getT } from '@/lib/i18n/server';

/** A table of orders; `compact` drops the secondary columns (dashboard). */
export async function OrdersTable({ rows, compact = false }: { rows: OrderListRow[]; compact?: boolean }) {
  const t = await getT('orders');
  const format = await getFormatters();
  return (
    <div className="overflow-x-auto">
      <table className="data-table" data-testid="orders-table">
        <thead>
          <tr>
            <th scope="col">{t('columns.number')}</th>
            <th scope="col">{t('columns.customer')}</th>
            <th scope="col">{t('columns.status')}</th>
            {compact ? null : (
              <th scope="col" className="text-right">
                {t('columns.items')}
              </th>
            )}
            <th scope="col" className="text-right">
              {t('columns.total')}
            </th>
            <th scope="col" className={compact ? 'hidden sm:table-cell' : ''}>
              {t('columns.created')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((order) => (
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
                <span className="block truncate text-slate-900">{order.customerName}</span>
                {order.customerCompany ? (
                  <span className="block truncate text-xs text-slate-500">{order.customerCompany}</span>
                ) : null}
              </td>
              <td>
                <StatusBadge status={order.status} />
              </td>
              {compact ? null : (
                <td className="tabular text-right text-slate-600">{format.number(order.itemCount)}</td>
              )}
              <td className="tabular text-right font-medium whitespace-nowrap">
                {format.price(order.totalMinor)}
              </td>
              <td className={`whitespace-nowrap text-slate-500 ${compact ? 'hidden sm:table-cell' : ''}`}>
                {format.date(order.createdAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
