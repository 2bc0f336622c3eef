import Link from 'next/link';
import type { ReactNode } from 'react';
import { getT } from '@/lib/i18n/server';

/**
 * A GET form: search and filters live in the URL (shareable, back button works, no JavaScript needed). `hidden`
 * keeps other filters when the search changes; the page resets to 1.
 */
export async function SearchForm({
  action,
  query,
  placeholder,
  hidden = {},
  children,
  clearHref,
}: {
  action: string;
  query: string;
  placeholder: string;
  hidden?: Record<string, string | undefined>;
  children?: ReactNode;
  clearHref?: string;
}) {
  const t = await getT('common');
  return (
    <search>
      <form action={action} method="get" className="flex flex-wrap items-center gap-2">
        {Object.entries(hidden).map(([name, value]) =>
          value ? <input key={name} type="hidden" name={name} value={value} /> : null,
        )}
        {/* On a phone, with filters beside it, the search takes a row of its own. */}
        <label
          className={`relative min-w-0 flex-1 sm:w-72 sm:flex-none ${children ? 'max-sm:basis-full' : ''}`}
        >
          <span className="sr-only">{t('search.placeholder')}</span>
          <span
            aria-hidden
            className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-slate-500"
          >
            ⌕
          </span>
          <input
            type="search"
            name="q"
            defaultValue={query}
            placeholder={placeholder}
            maxLength={100}
            className="field pl-8"
          />
        </label>
        {children}
        <button type="submit" className="btn-secondary">
          {t('search.submit')}
        </button>
        {clearHref ? (
          <Link href={clearHref} className="btn-ghost">
            {t('search.clear')}
          </Link>
        ) : null}
      </form>
    </search>
  );
}
