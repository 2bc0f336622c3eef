import type { TFunction } from 'i18next';

const known = ['Beverages', 'Snacks', 'Household', 'Stationery', 'Electronics', 'Personal care'] as const;
type KnownCategory = (typeof known)[number];

function isKnown(category: string): category is KnownCategory {
  return (known as readonly string[]).includes(category);
}

/** Categories are data; the seeded ones have translations, any other shows as stored. */
export function categoryLabel(t: TFunction<'products'>, category: string): string {
  return isKnown(category) ? t(`categories.${category}`) : category;
}
