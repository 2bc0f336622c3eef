import type { Metadata } from 'next';
import { Forbidden } from '@/components/ui/forbidden';
import { getCurrentUser } from '@/lib/auth/current-user';
import { getT } from '@/lib/i18n/server';

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getT('common'))('forbidden.title') };
}

/** The app-wide 403 page (HTTP 403) for `forbidden()` outside the signed-in group. */
export default async function RootForbidden() {
  const user = await getCurrentUser();
  return <Forbidden role={user?.role} />;
}
