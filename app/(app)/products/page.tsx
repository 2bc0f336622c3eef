import type { Metadata } from 'next';
import { parseProductListParams } from '@/components/products/list-params';
import { ProductFilters } from '@/components/products/product-filters';
import { ProductsTable } from '@/components/products/products-table';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Pagination } from '@/components/ui/pagination';
import { SearchForm } from '@/components/ui/search-form';
import { requireUser } from '@/lib/auth/current-user';
import { listCategories, listProducts } from '@/lib/db/queries/products';
import { getT } from '@/lib/i18n/server';
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
  const [page, categories] = await Promise.all([
    listProducts(db, user.tenantId, filter),
    listCategories(db, user.tenantId),
  ]);
  const t = await getT('products');
  const tc = await getT('common');
  const query = { q: filter.search, category: filter.category, low: filter.lowStock };
  const filtered = Boolean(filter.search || filter.category || filter.lowStock);

  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle', { tenant: user.tenantName })} />
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
        {page.rows.length ? (
          <>
            <ProductsTable rows={page.rows} />
            <Pagination path="/products" query={query} {...page} />
          </>
        ) : (
          <EmptyState title={tc('empty.noResults')} body={filtered ? tc('empty.tryAgain') : undefined} />
        )}
      </Card>
    </>
  );
}
