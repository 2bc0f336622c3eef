import { withApiUser } from '@/lib/catalog/http';
import { apiError } from '@/lib/http/api-response';
import { defaultPusherApp, readAuthParams } from '@/lib/pusher/auth-request';
import { authorizeDomainChannel } from '@/lib/pusher/domain-auth';
import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/**
 * POST /api/pusher/auth — the channel authorization endpoint for Laravel Echo / pusher-js (form fields
 * socket_id and channel_name): signs private-products.{tenant} and the other Omni-Sales channels the signed-in
 * user may read, presence channels with their name and role.
 */
export async function POST(request: Request) {
  return withApiUser(request, async (user) => {
    const app = defaultPusherApp(getServices().env);
    if (!app) return apiError('NOT_FOUND', 404, 'No Pusher app is configured');
    const params = await readAuthParams(request);
    const reply = await authorizeDomainChannel(user, app, {
      socketId: params.socket_id ?? '',
      channel: params.channel_name ?? '',
    });
    return Response.json(reply.body, { status: reply.status, headers: { 'cache-control': 'no-store' } });
  });
}
