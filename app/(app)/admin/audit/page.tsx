import type { Metadata } from 'next';
import { AuditList } from '@/components/admin/audit-list';
import { PageHeader } from '@/components/ui/page-header';
import { requireRole } from '@/lib/auth/current-user';
import { getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('admin'))('audit.title') };
}

/** Admins only: every admin action on people (who, what, when, before → after), filterable. */
export default async function AdminAuditPage() {
  const user = await requireRole('admin');
  const { people } = getServices();
  const [entries, list] = await Promise.all([people.audit(user, { limit: 50 }), people.list(user)]);
  const t = await getT('admin');
  return (
    <>
      <PageHeader title={t('audit.title')} subtitle={t('audit.subtitle', { tenant: user.tenantName })} />
      <AuditList
        initial={entries.ok ? entries.value.entries : []}
        next={entries.ok ? entries.value.next : null}
        people={list.ok ? list.value.map((p) => ({ id: p.id, name: p.name })) : []}
      />
    </>
  );
}
