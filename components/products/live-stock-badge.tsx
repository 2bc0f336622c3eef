'use client';

import { useTranslation } from 'react-i18next';
import { Badge } from '@/components/ui/badge';
import { isLowStock } from '@/lib/live/filters';

/** "Out of stock" / "Low stock", re-rendered with the live row. */
export function LiveStockBadge({ product }: { product: { stock: number; lowStockThreshold: number } }) {
  const { t } = useTranslation('products');
  if (!isLowStock(product)) return null;
  return (
    <span data-testid="low-stock-badge">
      <Badge tone={product.stock === 0 ? 'red' : 'amber'}>
        {product.stock === 0 ? t('outOfStock') : t('lowStock')}
      </Badge>
    </span>
  );
}
