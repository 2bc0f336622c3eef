import { errorResponse, readJson, resultResponse, withApi } from '@/lib/messaging/api/handler';
import { messageBody, pageQuery, uuid } from '@/lib/messaging/api/schemas';

export const dynamic = 'force-dynamic';
type Params = { params: Promise<{ id: string }> };

/** GET /api/conversations/:id/messages?before=<seq>&limit=<n> — a page, oldest first; `nextBefore` for the next. */
export async function GET(request: Request, { params }: Params) {
  return withApi(request, async ({ caller, messaging }) => {
    const id = uuid.safeParse((await params).id);
    if (!id.success) return errorResponse('NOT_FOUND');
    const query = pageQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success)
      return errorResponse('VALIDATION', 'before and limit are positive integers (limit ≤ 200)');
    return resultResponse(await messaging.messages.list(caller, id.data, query.data));
  });
}

/** POST /api/conversations/:id/messages `{body}` — 201; more than 5,000 characters is 413 PAYLOAD_TOO_LARGE. */
export async function POST(request: Request, { params }: Params) {
  return withApi(request, async ({ caller, messaging }) => {
    const id = uuid.safeParse((await params).id);
    if (!id.success) return errorResponse('NOT_FOUND');
    const body = await readJson(request, (v) => messageBody.safeParse(v));
    if (!body.ok) return body.response;
    return resultResponse(
      await messaging.messages.send(caller, id.data, body.value.body),
      (message) => ({ message }),
      201,
    );
  });
}
