import { signOut } from '@/lib/auth/sign-in';
import { getT } from '@/lib/i18n/server';

export async function SignOutButton({
  className = '',
  testId = 'sign-out',
}: {
  className?: string;
  testId?: string;
}) {
  const t = await getT('common');
  return (
    <form action={signOut}>
      <button type="submit" className={className} data-testid={testId}>
        {t('shell.signOut')}
      </button>
    </form>
  );
}
