import Link from 'next/link';
import type { ProductListRow } from '@/lib/db/queries/products';
import { getFormatters, getT } from '@/lib/i18n/server';
import { categoryLabel } from './category-label';
import { StockBadge } from './stock-badge';

export async function ProductsTable({ rows }: { rows: ProductListRow[] }) {
  const t = await getT('products');
  const format = await getFormatters();
  return (
    <div className="overflow-x-auto">
      <table className="data-table" data-testid="products-table">
        <thead>
          <tr>
            <th scope="col">{t('columns.name')}</th>
            <th scope="col">{t('columns.sku')}</th>
            <th scope="col">{t('columns.category')}</th>
            <th scope="col" className="text-right">
              {t('columns.stock')}
            </th>
            <th scope="col" className="text-right">
              {t('columns.price')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((product) => (
            <tr key={product.id} data-product-id={product.id} data-sku={product.sku}>
              <td className="font-medium">
                <Link
                  href={`/products/${product.id}`}
                  className="text-slate-900 hover:text-brand-700 hover:underline"
                >
                  {product.name}
                </Link>
              </td>
              <td className="font-mono text-xs whitespace-nowrap text-slate-500">{product.sku}</td>
              <td className="whitespace-nowrap text-slate-600">{categoryLabel(t, product.category)}</td>
              <td className="text-right whitespace-nowrap">
                <span className="inline-flex items-center justify-end gap-2">
                  <StockBadge product={product} />
                  <span className="tabular" data-testid="stock">
                    {format.number(product.stock)}
                  </span>
                </span>
              </td>
              <td className="tabular text-right font-medium whitespace-nowrap">
                {format.price(product.priceMinor)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
