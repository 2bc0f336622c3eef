import type { TFunction } from 'i18next';

import type { InboxItem } from '@/lib/notifications/contract';

export type { InboxItem };

const str = (value: unknown) => (typeof value === 'string' ? value : '');
const sections = ['status', 'customer', 'shipping', 'notes', 'lines'] as const;
const fields = ['status', 'customerId', 'shippingAddress', 'notes', 'lines'] as const;

/** One line for a notification: collaboration kinds are translated, others show who and what they sent. */
export function notificationText(t: TFunction<'collab'>, item: InboxItem): string {
  const p = item.payload;
  const entity = str(p.entityLabel) || t('notifications.anOrder');
  const field = (fields as readonly string[]).includes(str(p.field))
    ? t(`fieldNames.${str(p.field) as (typeof fields)[number]}`)
    : str(p.field).startsWith('lines.')
      ? t('fieldNames.quantity')
      : str(p.field);
  const section = (sections as readonly string[]).includes(str(p.section))
    ? t(`editor.sections.${str(p.section) as (typeof sections)[number]}`)
    : str(p.section);
  switch (item.kind) {
    case 'comment.mention':
      return t('notifications.kinds.comment.mention', { by: str(p.by), entity });
    case 'sync.conflict':
      return t('notifications.kinds.sync.conflict', {
        field,
        entity,
        mineBy: str(p.mineBy),
        theirsBy: str(p.theirsBy),
      });
    case 'sync.conflict_resolved':
      return t('notifications.kinds.sync.conflict_resolved', { by: str(p.by), field, entity });
    case 'sync.overwritten':
      return t('notifications.kinds.sync.overwritten', { by: str(p.by), field, entity });
    case 'sync.lock_force_released':
      return t('notifications.kinds.sync.lock_force_released', { by: str(p.by), section, entity });
    default: {
      const from = str(p.from);
      const text = str(p.preview) || str(p.text);
      return from && text ? `${from}: ${text}` : t('notifications.kinds.other');
    }
  }
}
