import type { ReactNode } from 'react';
import { AdminNav } from '@/components/admin/admin-nav';
import { requireRole } from '@/lib/auth/current-user';
import { countOpenConflicts } from '@/lib/db/queries/conflicts';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** Every admin page: admins only (others get app/(app)/forbidden.tsx with 403), with the admin sections. */
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireRole('admin');
  const openConflicts = await countOpenConflicts(getServices().database.db, user.tenantId);
  return (
    <>
      <AdminNav openConflicts={openConflicts} />
      {children}
    </>
  );
}
