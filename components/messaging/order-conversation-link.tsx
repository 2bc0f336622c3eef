import Link from 'next/link';
import { getT } from '@/lib/i18n/server';

/** For the order page: opens (or creates) the order's team conversation on the Messages page. */
export async function OrderConversationLink({ orderId, className }: { orderId: string; className?: string }) {
  const t = await getT('messages');
  return (
    <Link
      href={`/messages?order=${encodeURIComponent(orderId)}`}
      className={className ?? 'btn-secondary'}
      data-testid="order-conversation-link"
    >
      {t('orderLink')}
    </Link>
  );
}
