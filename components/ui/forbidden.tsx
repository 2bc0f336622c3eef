import type { Role } from '@/lib/db/schema';
import { getT } from '@/lib/i18n/server';
import { NoticePage } from './notice-page';

/** What a page shows to a signed-in user whose role may not open it (the body names the role when known). */
export async function Forbidden({ role }: { role?: Role }) {
  const t = await getT('common');
  return (
    <NoticePage
      code="403"
      testId="forbidden"
      title={t('forbidden.title')}
      body={role ? t('forbidden.body', { role: t(`roles.${role}`) }) : t('forbidden.bodyGeneric')}
      backHref="/"
      backLabel={t('forbidden.back')}
    />
  );
}
