import { errorResponse, readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { membersBody, uuid } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';

/** POST /api/conversations/:id/members `{userIds}` — add members to a group (creator or admin). */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return withApi(request, async ({ caller, messaging }) => {
    const id = uuid.safeParse((await params).id);
    if (!id.success) return errorResponse('NOT_FOUND');
    const body = await readJson(request, (v) => membersBody.safeParse(v));
    if (!body.ok) return body.response;
    return resultResponse(
      await messaging.conversations.addMembers(caller, id.data, body.value.userIds),
      (conversation) => ({ conversation }),
    );
  });
}
