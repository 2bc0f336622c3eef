import type { Metadata } from 'next';
import { NoticePage } from '@/components/ui/notice-page';
import { getT } from '@/lib/i18n/server';

/** The tab says what happened (the layout's template adds the product name). */
export async function generateMetadata(): Promise<Metadata> {
  const t = await getT('common');
  return { title: t('notFound.title') };
}

export default async function NotFound() {
  const t = await getT('common');
  return (
    <NoticePage
      code="404"
      testId="not-found"
      title={t('notFound.title')}
      body={t('notFound.body')}
      backHref="/"
      backLabel={t('notFound.back')}
    />
  );
}
