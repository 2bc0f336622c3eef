import type { Metadata } from 'next';
import { parseProductListParams } from '@/components/products/list-params';
import { NewProductButton } from '@/components/products/new-product-button';
import { ProductFilters } from '@/components/products/product-filters';
import { ProductsLive } from '@/components/products/products-live';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { SearchForm } from '@/components/ui/search-form';
import { requireUser } from '@/lib/auth/current-user';
import { listCategories, listProducts } from '@/lib/db/queries/products';
import { getT } from '@/lib/i18n/server';
import { LiveNotice } from '@/lib/live/live-notice';
import { getServices } from '@/lib/server/services';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('products'))('title') };
}

export default async function ProductsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const filter = parseProductListParams(await searchParams);
  const { db } = getServices().database;
  const renderedAt = Date.now();
  const [page, categories] = await Promise.all([
    listProducts(db, user.tenantId, filter),
    listCategories(db, user.tenantId),
  ]);
  const t = await getT('products');
  const query = { q: filter.search, category: filter.category, low: filter.lowStock };
  const filtered = Boolean(filter.search || filter.category || filter.lowStock);
  const canWrite = user.role !== 'viewer';

  return (
    <>
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle', { tenant: user.tenantName })}
        actions={canWrite ? <NewProductButton categories={categories} /> : null}
      />
      <LiveNotice />
      <div className="mb-4">
        <SearchForm
          action="/products"
          query={filter.search}
          placeholder={t('searchPlaceholder')}
          clearHref={filtered ? '/products' : undefined}
        >
          <ProductFilters categories={categories} category={filter.category} lowStock={filter.lowStock} />
        </SearchForm>
      </div>
      <Card>
        <ProductsLive
          initial={{
            ...page,
            rows: page.rows.map((row) => ({ ...row, updatedAt: row.updatedAt.toISOString() })),
          }}
          filter={{ ...filter, category: filter.category }}
          renderedAt={renderedAt}
          canWrite={canWrite}
        />
        {page.total > 0 ? <Pagination path="/products" query={query} {...page} /> : null}
      </Card>
    </>
  );
}
