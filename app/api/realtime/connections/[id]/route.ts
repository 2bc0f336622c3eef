import { errorResponse, jsonResponse, withApi } from '@/lib/messaging/api/handler';

export const dynamic = 'force-dynamic';

/** DELETE /api/realtime/connections/:id — close one of my connections; another user's is 404 (never closed). */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApi(request, async ({ caller, messaging }) => {
    const { id } = await params;
    const mine = await messaging.hub.connectionsOf(caller.tenantId, caller.id);
    if (!mine.some((c) => c.id === id)) return errorResponse('NOT_FOUND', 'No such connection of yours');
    const closed = await messaging.hub.disconnect(caller.tenantId, caller.id, id);
    return closed
      ? jsonResponse({ disconnected: id })
      : errorResponse('NOT_FOUND', 'No such connection of yours');
  });
}
