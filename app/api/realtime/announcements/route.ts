import { readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { announcementBody } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** POST /api/realtime/announcements `{text}` — admins: a notification to everyone in the tenant. */
export async function POST(request: Request) {
  return withApi(request, async ({ caller, messaging }) => {
    const body = await readJson(request, (v) => announcementBody.safeParse(v));
    if (!body.ok) return body.response;
    return resultResponse(await messaging.announcements.announce(caller, body.value.text), (v) => v, 201);
  });
}
