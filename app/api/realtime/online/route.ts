import { jsonResponse, withApi } from '@/lib/messaging/api/handler';

export const dynamic = 'force-dynamic';

/** GET /api/realtime/online — who in my tenant is online now, with status, status text and device. */
export async function GET(request: Request) {
  return withApi(request, async ({ caller, messaging }) =>
    jsonResponse({ users: await messaging.hub.online(caller.tenantId) }),
  );
}
