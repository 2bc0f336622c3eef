import { resetPasswordBody } from '@/lib/admin/contract';
import { answer, personId, readJson, withAdmin } from '@/lib/admin/http';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ id: string }> };

/** POST /api/admin/users/{id}/password — admins: a new password (generated unless given); ends every session. */
export async function POST(request: Request, { params }: Params) {
  return withAdmin(request, async (caller, people) => {
    const target = personId((await params).id);
    if (!target.ok) return target.response;
    const body = await readJson(request, (v) => resetPasswordBody.safeParse(v));
    if (!body.ok) return body.response;
    return answer(await people.resetPassword(caller, target.id, body.value.password), (value) => value);
  });
}
