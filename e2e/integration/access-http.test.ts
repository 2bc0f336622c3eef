import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCALE_COOKIE } from '../../lib/i18n/config';
import { type AppServerWithFixtures, startAppServerWith } from '../support/app-server';
import { seededActors } from '../support/catalog-fixtures';

type Fixtures = { actors: Awaited<ReturnType<typeof seededActors>> };

/**
 * Over plain HTTP against the built app: admin pages answer non-admins with a real 403 (and a translated page),
 * admin APIs with 403 JSON, and signed-out visitors are sent to sign-in with the page they asked for.
 */
describe('access over HTTP: 403 for non-admins, sign-in with the requested page', () => {
  let app: AppServerWithFixtures<Fixtures>;

  beforeAll(async () => {
    app = await startAppServerWith('pglite', async (db) => ({ actors: await seededActors(db) }));
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  const get = async (route: string, as?: string, extraCookie?: string) => {
    const cookie = [as ? app.cookies[as] : undefined, extraCookie].filter(Boolean).join('; ');
    const response = await fetch(`${app.server.url}${route}`, {
      headers: cookie ? { cookie } : {},
      redirect: 'manual',
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      text: await response.text(),
    };
  };

  // Next renders a page's forbidden() from the RSC payload (its error shell), like the existing not-found of a page:
  // the texts are in the response and a browser shows them once hydrated (e2e/browser/foundation.spec.ts).
  it.each([
    ['sales', 'Anna Carter', 'Sales'],
    ['viewer', 'Victor Lee', 'Viewer'],
  ])('a %s user gets HTTP 403 and the "not allowed" page on /admin', async (as, name, role) => {
    const page = await get('/admin', as);
    expect(page.status).toBe(403);
    expect(page.text).toContain('<meta name="robots" content="noindex"/>');
    expect(page.text).toContain('Not allowed');
    expect(page.text).toContain(
      `Your role (${role}) cannot open this page. Ask an admin if you need access.`,
    );
    expect(page.text).toContain('Back to the dashboard');
    // Inside the shell (the signed-in user is there), without any of the admin page's content.
    expect(page.text).toContain(name);
    expect(page.text).not.toContain('admin-users');
    expect(page.text).not.toContain('admin@siam.example');
  });

  it('says it in Thai for a Thai user, and refuses the conflicts page the same way', async () => {
    const page = await get('/admin', 'sales', `${LOCALE_COOKIE}=th`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('ไม่มีสิทธิ์เข้าถึง');
    expect(page.text).toContain('บทบาทของคุณ (ฝ่ายขาย) ไม่สามารถเปิดหน้านี้ได้');
    const conflicts = await get('/admin/conflicts', 'viewer');
    expect(conflicts.status).toBe(403);
    expect(conflicts.text).toContain('Your role (Viewer) cannot open this page.');
  });

  it('an admin gets HTTP 200 and the tenant users', async () => {
    const page = await get('/admin', 'admin');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-testid="admin-users"');
    expect(page.text).toContain('anna@siam.example');
    expect(page.text).not.toContain('<meta name="robots" content="noindex"/>');
    expect((await get('/admin/conflicts', 'admin')).status).toBe(200);
  });

  it('admin-only APIs answer 403 JSON to others and 200 to admins', async () => {
    const stats = await get('/api/realtime/stats', 'sales');
    expect(stats.status).toBe(403);
    expect(JSON.parse(stats.text)).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect((await get('/api/realtime/stats', 'admin')).status).toBe(200);
    const announce = await fetch(`${app.server.url}/api/realtime/announcements`, {
      method: 'POST',
      headers: { cookie: app.cookies.viewer!, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(announce.status).toBe(403);
  });

  it('sends a signed-out visitor to sign-in with the page asked for (path and query)', async () => {
    const order = await get('/orders/6c1f3a52-0d8e-4a7b-9c1d-2e3f4a5b6c7d?tab=lines');
    expect(order.status).toBe(307);
    expect(order.location).toBe(
      `/sign-in?next=${encodeURIComponent('/orders/6c1f3a52-0d8e-4a7b-9c1d-2e3f4a5b6c7d?tab=lines')}`,
    );
    expect((await get('/admin')).location).toBe('/sign-in?next=%2Fadmin');
    // The dashboard needs no `next`; an expired or forged cookie counts as signed out.
    expect((await get('/')).location).toBe('/sign-in');
    const forged = await fetch(`${app.server.url}/products`, {
      headers: { cookie: 'osl_session=forged' },
      redirect: 'manual',
    });
    expect(forged.headers.get('location')).toBe('/sign-in?next=%2Fproducts');
  });

  it('the sign-in page carries only a same-site path into its form', async () => {
    const good = await get('/sign-in?next=%2Forders%3Fstatus%3Dpending');
    expect(good.status).toBe(200);
    expect(good.text).toMatch(/<input type="hidden" name="next" value="\/orders\?status=pending"\/>/);
    for (const bad of ['//evil.example', 'https://evil.example/x', '/\\evil.example', '/\t/evil.example']) {
      const page = await get(`/sign-in?next=${encodeURIComponent(bad)}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('name="next"');
    }
  });

  it('a signed-in visitor of the sign-in page goes to the page asked for, or to the dashboard', async () => {
    expect((await get('/sign-in?next=%2Forders', 'sales')).location).toBe('/orders');
    expect((await get(`/sign-in?next=${encodeURIComponent('//evil.example')}`, 'sales')).location).toBe('/');
  });
});
