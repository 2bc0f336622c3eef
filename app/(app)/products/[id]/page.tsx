import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ProductLive } from '@/components/products/product-live';
import { requireUser } from '@/lib/auth/current-user';
import { getProduct, listCategories } from '@/lib/db/queries/products';
import { getServices } from '@/lib/server/services';

const productId = z.uuid();

async function load(id: string) {
  const user = await requireUser();
  const parsed = productId.safeParse(id);
  if (!parsed.success) notFound();
  const { db } = getServices().database;
  const [product, categories] = await Promise.all([
    getProduct(db, user.tenantId, parsed.data),
    listCategories(db, user.tenantId),
  ]);
  if (!product) notFound();
  return { user, product, categories };
}

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const parsed = productId.safeParse((await params).id);
  // Missing here means the page answers 404: notFound() gives the tab the 404 page's title.
  if (!parsed.success) notFound();
  const user = await requireUser();
  const product = await getProduct(getServices().database.db, user.tenantId, parsed.data);
  if (!product) notFound();
  return { title: product.name };
}

export default async function ProductPage({ params }: { params: Promise<{ id: string }> }) {
  const renderedAt = Date.now();
  const { user, product, categories } = await load((await params).id);
  return (
    <ProductLive
      initial={{
        ...product,
        updatedAt: product.updatedAt.toISOString(),
        createdAt: product.createdAt.toISOString(),
      }}
      renderedAt={renderedAt}
      canWrite={user.role !== 'viewer'}
      categories={categories}
    />
  );
}
