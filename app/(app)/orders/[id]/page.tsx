import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { z } from 'zod';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { requireUser } from '@/lib/auth/current-user';
import { getOrder } from '@/lib/db/queries/orders';
import { getFormatters, getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

const orderId = z.uuid();

async function load(id: string) {
  const user = await requireUser();
  const parsed = orderId.safeParse(id);
  if (!parsed.success) notFound();
  const order = await getOrder(getServices().database.db, user.tenantId, parsed.data);
  if (!order) notFound();
  return order;
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const parsed = orderId.safeParse((await params).id);
  if (!parsed.success) return {};
  const user = await requireUser();
  const order = await getOrder(getServices().database.db, user.tenantId, parsed.data);
  return order ? { title: order.number } : {};
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const order = await load((await params).id);
  const t = await getT('orders');
  const format = await getFormatters();
  const address = order.shippingAddress;

  return (
    <article data-order-id={order.id} data-order-version={order.version}>
      <PageHeader
        eyebrow={
          <Link href="/orders" className="hover:text-slate-900 hover:underline">
            ← {t('detail.backToList')}
          </Link>
        }
        title={t('detail.title', { number: order.number })}
        subtitle={
          <>
            {t('detail.createdAt', { date: format.dateTime(order.createdAt) })}
            <span aria-hidden> · </span>
            {t('detail.updatedAt', { date: format.dateTime(order.updatedAt) })}
            <span aria-hidden> · </span>
            {t('detail.version', { version: order.version })}
          </>
        }
        actions={
          <div data-section="status" className="flex items-center gap-2">
            <span className="text-sm text-slate-500">{t('detail.status')}</span>
            <StatusBadge status={order.status} />
          </div>
        }
      />

      <div className="grid gap-6 lg:grid-cols-3">
        <Card data-section="customer">
          <CardHeader title={t('detail.customer')} />
          <dl className="grid gap-3 px-5 py-4">
            <Field label={t('detail.customer')}>
              <span className="font-medium" data-testid="order-customer">
                {order.customer.name}
              </span>
            </Field>
            {order.customer.company ? (
              <Field label={t('detail.company')}>{order.customer.company}</Field>
            ) : null}
            <Field label={t('detail.email')}>
              <a href={`mailto:${order.customer.email}`} className="text-brand-700 hover:underline">
                {order.customer.email}
              </a>
            </Field>
            {order.customer.phone ? <Field label={t('detail.phone')}>{order.customer.phone}</Field> : null}
          </dl>
        </Card>

        <Card data-section="shipping">
          <CardHeader title={t('detail.shipping')} />
          <address className="px-5 py-4 text-sm leading-relaxed text-slate-800 not-italic">
            <span className="block">{address.line1}</span>
            {address.line2 ? <span className="block">{address.line2}</span> : null}
            <span className="block">
              {address.city} {address.postalCode}
            </span>
            <span className="block text-slate-500">
              {t('detail.country')}: {address.country}
            </span>
          </address>
        </Card>

        <Card data-section="notes">
          <CardHeader title={t('detail.notes')} />
          <div className="px-5 py-4 text-sm whitespace-pre-wrap text-slate-800">
            {order.notes ? order.notes : <span className="text-slate-400">{t('detail.noNotes')}</span>}
          </div>
        </Card>
      </div>

      <Card data-section="lines" className="mt-6">
        <CardHeader title={t('detail.lines')} />
        <div className="overflow-x-auto">
          <table className="data-table" data-testid="order-lines">
            <thead>
              <tr>
                <th scope="col">{t('detail.product')}</th>
                <th scope="col">{t('detail.sku')}</th>
                <th scope="col" className="text-right">
                  {t('detail.quantity')}
                </th>
                <th scope="col" className="text-right">
                  {t('detail.unitPrice')}
                </th>
                <th scope="col" className="text-right">
                  {t('detail.lineTotal')}
                </th>
              </tr>
            </thead>
            <tbody>
              {order.lines.map((line) => (
                <tr key={line.id} data-line-id={line.id}>
                  <td className="font-medium">
                    <Link
                      href={`/products/${line.productId}`}
                      className="hover:text-brand-700 hover:underline"
                    >
                      {line.productName}
                    </Link>
                  </td>
                  <td className="font-mono text-xs text-slate-500">{line.sku}</td>
                  <td className="tabular text-right">{format.number(line.quantity)}</td>
                  <td className="tabular text-right whitespace-nowrap text-slate-600">
                    {format.price(line.unitPriceMinor)}
                  </td>
                  <td className="tabular text-right font-medium whitespace-nowrap">
                    {format.price(line.lineTotalMinor)}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th
                  scope="row"
                  colSpan={4}
                  className="px-4 py-3 text-right text-sm font-medium text-slate-600"
                >
                  {t('detail.orderTotal')}
                </th>
                <td
                  className="tabular px-4 py-3 text-right text-base font-semibold whitespace-nowrap"
                  data-testid="order-total"
                >
                  {format.price(order.totalMinor)}
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      </Card>
    </article>
  );
}
