import { eq } from 'drizzle-orm';
import type { Db } from '../../lib/db/create-db';
import { orders, users } from '../../lib/db/schema';
import type { Caller } from '../../lib/messaging';
import type { RealtimePort } from '../../lib/messaging/ports';

export type Published = { tenantId: string; channel: string; event: string; data: unknown };

/**
 * A realtime port that keeps what was published and lets a test say who views which channel and who is busy.
 * For the service-layer tests only; the HTTP and browser tests run the real hub.
 */
export function recordingRealtime() {
  const published: Published[] = [];
  const viewers = new Map<string, string[]>();
  const statuses = new Map<string, 'online' | 'away' | 'busy'>();
  const port: RealtimePort = {
    publish: async (input) => {
      published.push({
        tenantId: input.tenantId,
        channel: input.channel,
        event: input.event,
        data: input.data,
      });
      return undefined;
    },
    channelViewers: async (_tenantId, channel) => viewers.get(channel) ?? [],
    userStatus: async (_tenantId, userId) => {
      const status = statuses.get(userId);
      return status ? { status } : null;
    },
    refreshAccess: async () => {},
  };
  return { port, published, viewers, statuses };
}

export async function callerByEmail(db: Db, email: string): Promise<Caller> {
  const [row] = await db
    .select({ id: users.id, tenantId: users.tenantId, name: users.name, role: users.role })
    .from(users)
    .where(eq(users.email, email));
  if (!row) throw new Error(`no seeded user ${email}`);
  return row;
}

export async function anyOrderOf(db: Db, tenantId: string) {
  const [row] = await db
    .select({ id: orders.id, number: orders.number })
    .from(orders)
    .where(eq(orders.tenantId, tenantId))
    .limit(1);
  if (!row) throw new Error('no seeded order');
  return row;
}
