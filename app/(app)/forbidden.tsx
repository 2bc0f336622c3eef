import type { Metadata } from 'next';
import { Forbidden } from '@/components/ui/forbidden';
import { getCurrentUser } from '@/lib/auth/current-user';
import { getT } from '@/lib/i18n/server';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('common'))('forbidden.title') };
}

/** Rendered, inside the shell and with HTTP 403, when a page of this group calls `forbidden()` (requireRole). */
export default async function SignedInForbidden() {
  const user = await getCurrentUser();
  return <Forbidden role={user?.role} />;
}
