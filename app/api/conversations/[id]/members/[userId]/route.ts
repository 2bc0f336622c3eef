import { errorResponse, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { uuid } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** DELETE /api/conversations/:id/members/:userId — remove a member (creator or admin) or leave (yourself). */
export async function DELETE(
  request: Request,
  { params }: { params: Promise<{ id: string; userId: string }> },
) {
  return withApi(request, async ({ caller, messaging }) => {
    const { id, userId } = await params;
    const conversationId = uuid.safeParse(id);
    const memberId = uuid.safeParse(userId);
    if (!conversationId.success || !memberId.success) return errorResponse('NOT_FOUND');
    return resultResponse(
      await messaging.conversations.removeMember(caller, conversationId.data, memberId.data),
      (conversation) => ({ conversation }),
    );
  });
}
