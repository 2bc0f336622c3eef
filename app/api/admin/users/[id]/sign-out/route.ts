import { answer, personId, withAdmin } from '@/lib/admin/http';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ id: string }> };

/** POST /api/admin/users/{id}/sign-out — admins: end every session of the person, on every node, at once. */
export async function POST(request: Request, { params }: Params) {
  return withAdmin(request, async (caller, people) => {
    const target = personId((await params).id);
    if (!target.ok) return target.response;
    return answer(await people.signOutEverywhere(caller, target.id), (person) => ({ person }));
  });
}
