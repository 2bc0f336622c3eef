import type { Metadata } from 'next';
import Link from 'next/link';
import { AdminConflicts } from '@/components/collab/admin-conflicts';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/current-user';
import { listCustomers } from '@/lib/db/queries/customers';
import { listOrders } from '@/lib/db/queries/orders';
import { getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('collab'))('admin.title') };
}

/** Admins only: open conflicts across orders, stuck locks with force-release, and the order sync policy. */
export default async function AdminConflictsPage() {
  // Anyone else gets app/(app)/forbidden.tsx with HTTP 403.
  const user = await requireRole('admin');
  const db = getServices().database.db;
  const [orders, customers] = await Promise.all([
    listOrders(db, user.tenantId, { page: 1, pageSize: 500 }),
    listCustomers(db, user.tenantId, { page: 1, pageSize: 500 }),
  ]);
  const t = await getT('collab');
  const ta = await getT('admin');
  return (
    <>
      <PageHeader
        eyebrow={
          <Link href="/admin" className="hover:text-slate-900 hover:underline">
            ← {ta('title')}
          </Link>
        }
        title={t('admin.title')}
        subtitle={t('admin.subtitle')}
      />
      <AdminConflicts
        user={{ id: user.id, name: user.name, role: user.role }}
        orderNumbers={Object.fromEntries(orders.rows.map((o) => [o.id, o.number]))}
        customerNames={Object.fromEntries(customers.rows.map((c) => [c.id, c.name]))}
      />
    </>
  );
}
