import { createPersonBody } from '@/lib/admin/contract';
import { answer, readJson, withAdmin } from '@/lib/admin/http';

export const dynamic = 'force-dynamic';

/** GET /api/admin/users — admins: the people of the tenant with role, status, last seen and open sessions. */
export async function GET(request: Request) {
  return withAdmin(request, async (caller, people) =>
    answer(await people.list(caller), (list) => ({ people: list })),
  );
}

/** POST /api/admin/users — admins: add a person with a role (a temporary password is answered once). */
export async function POST(request: Request) {
  return withAdmin(request, async (caller, people) => {
    const body = await readJson(request, (v) => createPersonBody.safeParse(v));
    if (!body.ok) return body.response;
    return answer(await people.create(caller, body.value), (value) => value, 201);
  });
}
