import type { Role } from '@/lib/db/schema';
import { getT } from '@/lib/i18n/server';
import { NoticePage } from './notice-page';

/** What a page shows to a signed-in user whose role may not open it. */
export async function Forbidden({ role }: { role: Role }) {
  const t = await getT('common');
  return (
    <NoticePage
      code="403"
      testId="forbidden"
      title={t('forbidden.title')}
      body={t('forbidden.body', { role: t(`roles.${role}`) })}
      backHref="/"
      backLabel={t('forbidden.back')}
    />
  );
}
