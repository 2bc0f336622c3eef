import { Badge } from '@/components/ui/badge';
import { isLowStock } from '@/lib/db/queries/products';
import { getT } from '@/lib/i18n/server';

/** "Out of stock" / "Low stock" when the stock is at or below the product's threshold; nothing otherwise. */
export async function StockBadge({ product }: { product: { stock: number; lowStockThreshold: number } }) {
  if (!isLowStock(product)) return null;
  const t = await getT('products');
  return (
    <span data-testid="low-stock-badge">
      <Badge tone={product.stock === 0 ? 'red' : 'amber'}>
        {product.stock === 0 ? t('outOfStock') : t('lowStock')}
      </Badge>
    </span>
  );
}
