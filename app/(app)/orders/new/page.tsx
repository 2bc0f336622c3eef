import type { Metadata } from 'next';
import Link from 'next/link';
import { NewOrderForm, newOrderProductFilter } from '@/components/orders/new-order-form';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/current-user';
import { listCustomers } from '@/lib/db/queries/customers';
import { listProducts } from '@/lib/db/queries/products';
import { getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('orders'))('new.title') };
}

/** Sales staff and admins start a draft order here; viewers get the 403 page. */
export default async function NewOrderPage() {
  const user = await requireRole('admin', 'sales');
  const { db } = getServices().database;
  const renderedAt = Date.now();
  const [customers, products] = await Promise.all([
    listCustomers(db, user.tenantId, { page: 1, pageSize: 500 }),
    listProducts(db, user.tenantId, newOrderProductFilter),
  ]);
  const t = await getT('orders');
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/orders" className="hover:text-slate-900 hover:underline">
            ← {t('detail.backToList')}
          </Link>
        }
        title={t('new.title')}
        subtitle={t('new.subtitle')}
      />
      <Card className="p-5">
        <NewOrderForm
          renderedAt={renderedAt}
          customers={customers.rows.map((c) => ({
            id: c.id,
            name: c.name,
            company: c.company,
            email: c.email,
            phone: c.phone,
          }))}
          products={{
            ...products,
            rows: products.rows.map((p) => ({ ...p, updatedAt: p.updatedAt.toISOString() })),
          }}
        />
      </Card>
    </>
  );
}
