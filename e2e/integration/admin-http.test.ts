import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../lib/db/create-db';
import { type AppServerWithFixtures, startAppServerWith } from '../support/app-server';
import { seededActors } from '../support/catalog-fixtures';

type Actors = Awaited<ReturnType<typeof seededActors>>;
type Fixtures = { actors: Actors };
type Json = {
  error?: { code: string; message: string };
  people?: { id: string; email: string; role: string; active: boolean; sessions: number }[];
  person?: { id: string; role: string; active: boolean };
  temporaryPassword?: string;
  entries?: { action: string; target: { id: string | null }; before: unknown; after: unknown }[];
  next?: string | null;
};

/** The admin API over HTTP on the built app: who may call it, what it refuses, and what a change does to sessions. */
describe('admin API over HTTP', () => {
  let app: AppServerWithFixtures<Fixtures>;
  let actors: Actors;

  beforeAll(async () => {
    app = await startAppServerWith('pglite', async (db: Db) => ({ actors: await seededActors(db) }));
    actors = app.fixtures.actors;
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  async function call(method: string, route: string, as?: keyof Actors, body?: unknown) {
    const headers: Record<string, string> = {};
    if (as) headers.cookie = app.cookies[as]!;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${app.server.url}${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Json };
  }

  it.each([
    ['GET', '/api/admin/users'],
    ['POST', '/api/admin/users'],
    ['PATCH', '/api/admin/users/00000000-0000-4000-8000-000000000000'],
    ['POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/password'],
    ['POST', '/api/admin/users/00000000-0000-4000-8000-000000000000/sign-out'],
    ['GET', '/api/admin/audit'],
  ])('%s %s: 401 signed out, 403 for sales and viewers', async (method, route) => {
    const body = method === 'GET' ? undefined : { role: 'admin' };
    expect((await call(method, route, undefined, body)).json.error?.code).toBe('UNAUTHORIZED');
    for (const who of ['sales', 'viewer'] as const) {
      const answer = await call(method, route, who, body);
      expect(answer.status).toBe(403);
      expect(answer.json.error?.code).toBe('FORBIDDEN');
    }
  });

  it('lists the people of the admin’s own tenant only', async () => {
    const { status, json } = await call('GET', '/api/admin/users', 'admin');
    expect(status).toBe(200);
    const emails = json.people!.map((p) => p.email);
    expect(emails).toContain('anna@siam.example');
    expect(emails).not.toContain('olivia@northwind.example');
    expect(json.people!.every((p) => p.active && typeof p.sessions === 'number')).toBe(true);
  });

  it.each([
    ['a bad email', { name: 'X', email: 'not-an-email', role: 'sales' }],
    ['no name', { name: ' ', email: 'x@siam.example', role: 'sales' }],
    ['an unknown role', { name: 'X', email: 'x@siam.example', role: 'owner' }],
    ['a short password', { name: 'X', email: 'x@siam.example', role: 'sales', password: 'short' }],
    ['not JSON', '{"name":'],
    ['half an emoji (a lone surrogate)', '{"name":"Pim \\ud83d","email":"pim2@siam.example","role":"sales"}'],
  ])('refuses a new person with %s (400 VALIDATION)', async (_name, body) => {
    const { status, json } = await call('POST', '/api/admin/users', 'admin', body);
    expect(status).toBe(400);
    expect(json.error?.code).toBe('VALIDATION');
  });

  it.each([
    ['two changes at once', { role: 'viewer', active: false }],
    ['nothing', {}],
    ['an unknown field', { name: 'New name' }],
    ['a wrong type', { active: 'no' }],
  ])('refuses a change with %s (400 VALIDATION)', async (_name, body) => {
    const { status, json } = await call('PATCH', `/api/admin/users/${actors.sales2.id}`, 'admin', body);
    expect(status).toBe(400);
    expect(json.error?.code).toBe('VALIDATION');
  });

  it('answers 404 for an id that is not a person of the tenant', async () => {
    for (const id of ['not-a-uuid', actors.otherAdmin.id]) {
      const { status, json } = await call('PATCH', `/api/admin/users/${id}`, 'admin', { role: 'viewer' });
      expect(status).toBe(404);
      expect(json.error?.code).toBe('NOT_FOUND');
    }
  });

  it('adds a person once (temporary password answered once), and refuses the same email again', async () => {
    const body = { name: 'Pim Newhire', email: 'Pim@Siam.example', role: 'viewer' };
    const created = await call('POST', '/api/admin/users', 'admin', body);
    expect(created.status).toBe(201);
    expect(created.json.person).toMatchObject({ role: 'viewer', active: true });
    expect(created.json.temporaryPassword).toMatch(/^[\w-]{16}$/);
    const again = await call('POST', '/api/admin/users', 'admin', { ...body, email: 'pim@siam.example' });
    expect(again.status).toBe(409);
    expect(again.json.error?.code).toBe('EMAIL_TAKEN');
    const chosen = await call('POST', '/api/admin/users', 'admin', {
      name: 'Chosen Password',
      email: 'chosen@siam.example',
      role: 'sales',
      password: 'a-long-password',
    });
    expect(chosen.status).toBe(201);
    expect(chosen.json.temporaryPassword).toBeUndefined();
  });

  it('keeps the last admin: 409 LAST_ADMIN, and no one deactivates themselves (409 OWN_ACCOUNT)', async () => {
    const lowered = await call('PATCH', `/api/admin/users/${actors.otherAdmin.id}`, 'otherAdmin', {
      role: 'sales',
    });
    expect(lowered.status).toBe(409);
    expect(lowered.json.error?.code).toBe('LAST_ADMIN');
    const self = await call('PATCH', `/api/admin/users/${actors.admin.id}`, 'admin', { active: false });
    expect(self.status).toBe(409);
    expect(self.json.error?.code).toBe('OWN_ACCOUNT');
  });

  it('a role change applies to the next request; sign-out everywhere and deactivation end the session', async () => {
    expect((await call('GET', '/api/realtime/online', 'sales2')).status).toBe(200);
    const changed = await call('PATCH', `/api/admin/users/${actors.sales2.id}`, 'admin', { role: 'admin' });
    expect(changed.json.person).toMatchObject({ role: 'admin' });
    expect((await call('GET', '/api/admin/users', 'sales2')).status).toBe(200);
    await call('PATCH', `/api/admin/users/${actors.sales2.id}`, 'admin', { role: 'sales' });
    expect((await call('GET', '/api/admin/users', 'sales2')).status).toBe(403);

    const signedOut = await call('POST', `/api/admin/users/${actors.sales.id}/sign-out`, 'admin');
    expect(signedOut.status).toBe(200);
    const stale = await call('GET', '/api/realtime/online', 'sales');
    expect(stale.status).toBe(401);

    const deactivated = await call('PATCH', `/api/admin/users/${actors.viewer.id}`, 'admin', {
      active: false,
    });
    expect(deactivated.json.person).toMatchObject({ active: false });
    expect((await call('GET', '/api/realtime/online', 'viewer')).status).toBe(401);
    const reactivated = await call('PATCH', `/api/admin/users/${actors.viewer.id}`, 'admin', {
      active: true,
    });
    expect(reactivated.json.person).toMatchObject({ active: true });
    // Reactivation does not bring the old session back: the viewer signs in again.
    expect((await call('GET', '/api/realtime/online', 'viewer')).status).toBe(401);

    const reset = await call('POST', `/api/admin/users/${actors.sales2.id}/password`, 'admin', {});
    expect(reset.json.temporaryPassword).toMatch(/^[\w-]{16}$/);
    expect((await call('GET', '/api/realtime/online', 'sales2')).status).toBe(401);
  });

  it('lists the audit newest first with before → after, filters it, pages it and validates the query', async () => {
    const all = await call('GET', '/api/admin/audit?limit=100', 'admin');
    expect(all.status).toBe(200);
    const actions = all.json.entries!.map((e) => e.action);
    expect(actions.slice(0, 3)).toEqual(['user.password_reset', 'user.reactivated', 'user.deactivated']);
    expect(all.json.entries).toContainEqual(
      expect.objectContaining({
        action: 'user.role_changed',
        target: expect.objectContaining({ id: actors.sales2.id }),
        before: { role: 'sales' },
        after: { role: 'admin' },
      }),
    );
    const filtered = await call(
      'GET',
      `/api/admin/audit?action=user.signed_out&targetId=${actors.sales.id}`,
      'admin',
    );
    expect(filtered.json.entries!.map((e) => e.action)).toEqual(['user.signed_out']);
    const page = await call('GET', '/api/admin/audit?limit=2', 'admin');
    expect(page.json.entries).toHaveLength(2);
    const rest = await call('GET', `/api/admin/audit?limit=100&before=${page.json.next}`, 'admin');
    expect(rest.json.entries).toHaveLength(all.json.entries!.length - 2);
    for (const query of [
      'action=user.exploded',
      'limit=0',
      'limit=1000',
      'targetId=nope',
      'before=garbage',
    ]) {
      const bad = await call('GET', `/api/admin/audit?${query}`, 'admin');
      expect(bad.status, query).toBe(400);
      expect(bad.json.error?.code).toBe('VALIDATION');
    }
    const theirs = await call('GET', '/api/admin/audit', 'otherAdmin');
    expect(theirs.json.entries).toEqual([]);
  });
});
