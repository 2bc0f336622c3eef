import type { Metadata } from 'next';
import { z } from 'zod';
import { CustomersLive } from '@/components/customers/customers-live';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { SearchForm } from '@/components/ui/search-form';
import { requireUser } from '@/lib/auth/current-user';
import { listCustomers } from '@/lib/db/queries/customers';
import { pageRequestSchema } from '@/lib/db/queries/pagination';
import { getT } from '@/lib/i18n/server';
import { LiveNotice } from '@/lib/live/live-notice';
import { getServices } from '@/lib/server/services';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('live'))('customers.title') };
}

const first = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const params = pageRequestSchema.extend({ q: z.string().trim().max(100).catch('') });

export default async function CustomersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const raw = await searchParams;
  const parsed = params.parse({
    page: first(raw.page),
    pageSize: first(raw.pageSize) ?? 25,
    q: first(raw.q) ?? '',
  });
  const filter = { search: parsed.q, page: parsed.page, pageSize: parsed.pageSize };
  const renderedAt = Date.now();
  const page = await listCustomers(getServices().database.db, user.tenantId, filter);
  const t = await getT('live');

  return (
    <>
      <PageHeader
        title={t('customers.title')}
        subtitle={t('customers.subtitle', { tenant: user.tenantName })}
      />
      <LiveNotice />
      <div className="mb-4">
        <SearchForm
          action="/customers"
          query={filter.search}
          placeholder={t('customers.searchPlaceholder')}
          clearHref={filter.search ? '/customers' : undefined}
        />
      </div>
      <Card>
        <CustomersLive
          initial={page}
          filter={filter}
          renderedAt={renderedAt}
          canWrite={user.role !== 'viewer'}
        />
        {page.total > 0 ? <Pagination path="/customers" query={{ q: filter.search }} {...page} /> : null}
      </Card>
    </>
  );
}
