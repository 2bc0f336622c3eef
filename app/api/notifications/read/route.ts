import { markNotificationsRead } from '@/lib/db/queries/notifications';
import { jsonResponse, readJson, withApi } from '@/lib/messaging/api/handler';
import { notificationsReadBody } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** POST /api/notifications/read `{ids?}` — mark mine read (all when no ids). */
export async function POST(request: Request) {
  return withApi(request, async ({ caller, messaging }) => {
    const body = await readJson(request, (v) => notificationsReadBody.safeParse(v));
    if (!body.ok) return body.response;
    const count = await markNotificationsRead(messaging.deps.db, caller.id, new Date(), body.value.ids);
    return jsonResponse({ read: count });
  });
}
