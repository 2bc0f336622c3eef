import type { Metadata } from 'next';
import { z } from 'zod';
import { MessagesApp } from '@/components/messaging/messages-app';
import { PageHeader } from '@/components/ui/page-header';
import { requireUser } from '@/lib/auth/current-user';
import { listTenantUsers } from '@/lib/db/queries/users';
import { getT } from '@/lib/i18n/server';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

export async function generateMetadata(): Promise<Metadata> {
  const t = await getT('messages');
  return { title: t('title') };
}

const id = z.uuid();

/** /messages, /messages?c=<conversation id>, /messages?order=<order id> (opens or creates the order's conversation). */
export default async function MessagesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser();
  const t = await getT('messages');
  const params = await searchParams;
  const conversation = id.safeParse(params.c);
  const order = id.safeParse(params.order);
  const users = await listTenantUsers(getServices().database.db, user.tenantId);
  return (
    <>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <MessagesApp
        me={{ id: user.id, name: user.name, role: user.role }}
        users={users.map((u) => ({ id: u.id, name: u.name, role: u.role }))}
        initialConversationId={conversation.success ? conversation.data : null}
        orderId={order.success ? order.data : null}
      />
    </>
  );
}
