import { jsonResponse, withApi } from '@/lib/messaging/api/handler';

export const dynamic = 'force-dynamic';

/** GET /api/realtime/connections — my open WebSocket connections (every node). */
export async function GET(request: Request) {
  return withApi(request, async ({ caller, messaging }) =>
    jsonResponse({ connections: await messaging.hub.connectionsOf(caller.tenantId, caller.id) }),
  );
}
