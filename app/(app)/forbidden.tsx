import { Forbidden } from '@/components/ui/forbidden';
import { getCurrentUser } from '@/lib/auth/current-user';

/** Rendered, inside the shell and with HTTP 403, when a page of this group calls `forbidden()` (requireRole). */
export default async function SignedInForbidden() {
  const user = await getCurrentUser();
  return <Forbidden role={user?.role} />;
}
