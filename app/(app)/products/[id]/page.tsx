import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { categoryLabel } from '@/components/products/category-label';
import { StockBadge } from '@/components/products/stock-badge';
import { Card, CardHeader } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/current-user';
import { getProduct } from '@/lib/db/queries/products';
import { getFormatters, getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

const productId = z.uuid();

async function load(id: string) {
  const user = await requireUser();
  const parsed = productId.safeParse(id);
  if (!parsed.success) notFound();
  const product = await getProduct(getServices().database.db, user.tenantId, parsed.data);
  if (!product) notFound();
  return product;
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const parsed = productId.safeParse((await params).id);
  if (!parsed.success) return {};
  const user = await requireUser();
  const product = await getProduct(getServices().database.db, user.tenantId, parsed.data);
  return product ? { title: product.name } : {};
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="px-5 py-4">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="tabular mt-1 text-xl font-semibold tracking-tight text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

export default async function ProductPage({ params }: { params: Promise<{ id: string }> }) {
  const product = await load((await params).id);
  const t = await getT('products');
  const format = await getFormatters();
  const available = product.stock - product.reserved;

  return (
    <article data-product-id={product.id} data-product-version={product.version}>
      <PageHeader
        eyebrow={
          <Link href="/products" className="hover:text-slate-900 hover:underline">
            ← {t('detail.backToList')}
          </Link>
        }
        title={product.name}
        subtitle={
          <>
            <span className="font-mono">{product.sku}</span>
            <span aria-hidden> · </span>
            {categoryLabel(t, product.category)}
            <span aria-hidden> · </span>
            {t('detail.updatedAt', { date: format.dateTime(product.updatedAt) })}
          </>
        }
        actions={<StockBadge product={product} />}
      />
      <Card data-section="stock">
        <dl className="grid divide-y divide-slate-100 sm:grid-cols-2 sm:divide-y-0 lg:grid-cols-5 lg:divide-x">
          <Figure label={t('detail.price')} value={format.price(product.priceMinor)} testId="product-price" />
          <Figure label={t('detail.stock')} value={format.number(product.stock)} testId="product-stock" />
          <Figure label={t('detail.reserved')} value={format.number(product.reserved)} />
          <Figure label={t('detail.available')} value={format.number(available)} />
          <Figure label={t('detail.threshold')} value={format.number(product.lowStockThreshold)} />
        </dl>
      </Card>
      <Card className="mt-6" data-section="description">
        <CardHeader title={t('detail.description')} />
        <p className="px-5 py-4 text-sm whitespace-pre-wrap text-slate-800">
          {product.description || <span className="text-slate-400">{t('detail.noDescription')}</span>}
        </p>
      </Card>
    </article>
  );
}
