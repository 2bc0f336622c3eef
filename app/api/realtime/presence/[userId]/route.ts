import { tenantUserIds } from '@/lib/db/queries/conversations';
import { errorResponse, jsonResponse, withApi } from '@/lib/messaging/api/handler';
import { uuid } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** GET /api/realtime/presence/:userId — a colleague's presence (offline when no device is connected). */
export async function GET(request: Request, { params }: { params: Promise<{ userId: string }> }) {
  return withApi(request, async ({ caller, messaging }) => {
    const id = uuid.safeParse((await params).userId);
    if (!id.success) return errorResponse('NOT_FOUND');
    const [user] = await tenantUserIds(messaging.deps.db, caller.tenantId, [id.data]);
    if (!user) return errorResponse('NOT_FOUND', 'User not found');
    const member = await messaging.hub.presenceOf(caller.tenantId, id.data);
    return jsonResponse({
      presence: member ?? { userId: user.id, name: user.name, status: 'offline', connections: 0 },
    });
  });
}
