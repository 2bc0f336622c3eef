import type { OrderStatus } from '@/lib/db/schema';
import { getT } from '@/lib/i18n/server';
import { Badge, type BadgeTone } from './badge';

export const statusTones: Record<OrderStatus, BadgeTone> = {
  draft: 'neutral',
  pending: 'amber',
  confirmed: 'blue',
  shipped: 'violet',
  delivered: 'green',
  cancelled: 'red',
};

export async function StatusBadge({ status }: { status: OrderStatus }) {
  const t = await getT('common');
  return (
    <span data-status={status}>
      <Badge tone={statusTones[status]}>{t(`orderStatus.${status}`)}</Badge>
    </span>
  );
}
