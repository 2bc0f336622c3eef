import { getT } from '@/lib/i18n/server';
import { categoryLabel } from './category-label';

/** Category select and low-stock checkbox, submitted with the search form (GET). */
export async function ProductFilters({
  categories,
  category,
  lowStock,
}: {
  categories: string[];
  category?: string;
  lowStock: boolean;
}) {
  const t = await getT('products');
  return (
    <>
      {/* On a phone the category takes a row of its own (the longest name is not cut off). */}
      <label className="min-w-0 max-sm:basis-full">
        <span className="sr-only">{t('categoryFilter')}</span>
        <select
          name="category"
          defaultValue={category ?? ''}
          className="field pr-8 sm:w-auto"
          data-testid="category-filter"
        >
          <option value="">{t('allCategories')}</option>
          {categories.map((value) => (
            <option key={value} value={value}>
              {categoryLabel(t, value)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline-flex items-center gap-2 text-sm whitespace-nowrap text-slate-700">
        <input
          type="checkbox"
          name="low"
          value="1"
          defaultChecked={lowStock}
          className="size-4 rounded border-slate-300 accent-brand-600"
        />
        {t('lowStockOnly')}
      </label>
    </>
  );
}
