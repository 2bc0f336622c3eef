import { updatePersonBody } from '@/lib/admin/contract';
import { answer, personId, readJson, withAdmin } from '@/lib/admin/http';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ id: string }> };

/** PATCH /api/admin/users/{id} — admins: `{ role }` or `{ active }` (one change, one audit entry). */
export async function PATCH(request: Request, { params }: Params) {
  return withAdmin(request, async (caller, people) => {
    const target = personId((await params).id);
    if (!target.ok) return target.response;
    const body = await readJson(request, (v) => updatePersonBody.safeParse(v));
    if (!body.ok) return body.response;
    return answer(await people.update(caller, target.id, body.value), (person) => ({ person }));
  });
}
