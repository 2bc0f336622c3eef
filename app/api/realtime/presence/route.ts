import { z } from 'zod';
import { readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';

export const dynamic = 'force-dynamic';

const presenceBody = z
  .object({
    status: z.enum(['online', 'away', 'busy', 'offline']).optional(),
    statusText: z.string().max(100).optional(),
    device: z.enum(['desktop', 'mobile', 'tablet', 'api']).optional(),
  })
  .strict();

/** PUT /api/realtime/presence `{status?, statusText?, device?}` — my presence on every connection of mine. */
export async function PUT(request: Request) {
  return withApi(request, async ({ caller, messaging }) => {
    const body = await readJson(request, (v) => presenceBody.safeParse(v));
    if (!body.ok) return body.response;
    return resultResponse(
      await messaging.hub.setPresence(caller.tenantId, caller.id, body.value),
      (presence) => ({
        presence,
      }),
    );
  });
}
