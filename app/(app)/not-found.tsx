import { NoticePage } from '@/components/ui/notice-page';
import { getT } from '@/lib/i18n/server';

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
