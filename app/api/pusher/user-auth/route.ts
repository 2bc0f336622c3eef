import { withApiUser } from '@/lib/catalog/http';
import { apiError } from '@/lib/http/api-response';
import { defaultPusherApp, readAuthParams } from '@/lib/pusher/auth-request';
import { authenticateDomainUser } from '@/lib/pusher/domain-auth';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** POST /api/pusher/user-auth — user authentication (pusher:signin) for the signed-in user (form field socket_id). */
export async function POST(request: Request) {
  return withApiUser(request, async (user) => {
    const app = defaultPusherApp(getServices().env);
    if (!app) return apiError('NOT_FOUND', 404, 'No Pusher app is configured');
    const params = await readAuthParams(request);
    const reply = authenticateDomainUser(user, app, params.socket_id ?? '');
    return Response.json(reply.body, { status: reply.status, headers: { 'cache-control': 'no-store' } });
  });
}
