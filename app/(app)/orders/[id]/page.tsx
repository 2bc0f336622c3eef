import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { OrderConversationLink } from '@/components/messaging/order-conversation-link';
import { OrderEditor } from '@/components/orders/editor/order-editor';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/current-user';
import { listCustomers } from '@/lib/db/queries/customers';
import { getOrder } from '@/lib/db/queries/orders';
import { listProducts } from '@/lib/db/queries/products';
import { getFormatters, getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

const orderId = z.uuid();

async function load(id: string) {
  const user = await requireUser();
  const parsed = orderId.safeParse(id);
  if (!parsed.success) notFound();
  const db = getServices().database.db;
  const order = await getOrder(db, user.tenantId, parsed.data);
  if (!order) notFound();
  const [customers, products] = await Promise.all([
    listCustomers(db, user.tenantId, { page: 1, pageSize: 500 }),
    listProducts(db, user.tenantId, { page: 1, pageSize: 500 }),
  ]);
  return { user, order, customers: customers.rows, products: products.rows };
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const parsed = orderId.safeParse((await params).id);
  // Missing here means the page answers 404: notFound() gives the tab the 404 page's title.
  if (!parsed.success) notFound();
  const user = await requireUser();
  const order = await getOrder(getServices().database.db, user.tenantId, parsed.data);
  if (!order) notFound();
  return { title: order.number };
}

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { user, order, customers, products } = await load((await params).id);
  const t = await getT('orders');
  const format = await getFormatters();
  const customerList = customers.some((c) => c.id === order.customer.id)
    ? customers
    : [order.customer, ...customers];

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
          </>
        }
        actions={<OrderConversationLink orderId={order.id} />}
      />
      {/* The live editor: every section carries data-section (status, customer, shipping, notes, lines). Its status
          section is the order's one status control (locks, history, undo, conflicts). */}
      <OrderEditor
        orderId={order.id}
        number={order.number}
        user={{ id: user.id, name: user.name, role: user.role }}
        customers={customerList.map((c) => ({
          id: c.id,
          name: c.name,
          company: c.company,
          email: c.email,
          phone: c.phone,
        }))}
        products={products.map((p) => ({ id: p.id, name: p.name, sku: p.sku, priceMinor: p.priceMinor }))}
        linePrices={Object.fromEntries(order.lines.map((line) => [line.id, line.unitPriceMinor]))}
        initial={{
          status: order.status,
          customerId: order.customer.id,
          shippingAddress: order.shippingAddress,
          notes: order.notes,
          lines: order.lines.map((line) => ({
            id: line.id,
            productId: line.productId,
            quantity: line.quantity,
          })),
          version: order.version,
        }}
      />
    </article>
  );
}
