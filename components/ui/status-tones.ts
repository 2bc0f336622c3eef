import type { BadgeTone } from './badge';

/** The badge tone of each order status, shared by the server badge, the live list and the editor. */
export const statusTones = {
  draft: 'neutral',
  pending: 'amber',
  confirmed: 'blue',
  shipped: 'violet',
  delivered: 'green',
  cancelled: 'red',
} as const satisfies Record<string, BadgeTone>;
