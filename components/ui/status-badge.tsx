import type { OrderStatus } from '@/lib/db/schema';
import { getT } from '@/lib/i18n/server';
import { Badge } from './badge';
import { statusTones } from './status-tones';

export async function StatusBadge({ status }: { status: OrderStatus }) {
  const t = await getT('common');
  return (
    <span data-status={status}>
      <Badge tone={statusTones[status]}>{t(`orderStatus.${status}`)}</Badge>
    </span>
  );
}
