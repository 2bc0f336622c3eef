import { auditQuery } from '@/lib/admin/contract';
import { answer, withAdmin } from '@/lib/admin/http';
import { errorResponse } from '@/lib/messaging/api/handler';

export const dynamic = 'force-dynamic';

/** GET /api/admin/audit?action=&actorId=&targetId=&before=&limit= — admins: the admin actions, newest first. */
export async function GET(request: Request) {
  return withAdmin(request, async (caller, people) => {
    const search = Object.fromEntries(new URL(request.url).searchParams);
    const query = auditQuery.safeParse(search);
    if (!query.success) {
      const first = query.error.issues[0];
      return errorResponse('VALIDATION', first ? `${first.path.join('.')}: ${first.message}` : undefined);
    }
    return answer(await people.audit(caller, query.data), (value) => value);
  });
}
