import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCodes } from '../../lib/realtime/protocol/codes';
import { type AppServerWithFixtures, appDirectory, startAppServerWith } from '../support/app-server';
import { seededActors } from '../support/catalog-fixtures';
import { builtActions } from './tenant-sweep-surface';

type Fixtures = { actors: Awaited<ReturnType<typeof seededActors>> };

/**
 * The one HTTP edge of the route handlers, over plain HTTP against the built app: the session cookie or the same
 * token as a bearer token, on catalog, messaging and admin routes alike; one error shape with the catalog's code
 * and i18n key; one per-user rate limit across them (429 with Retry-After).
 */
describe('one HTTP edge for every route handler', () => {
  let app: AppServerWithFixtures<Fixtures>;
  const token = (name: string) => app.cookies[name]!.replace(/^osl_session=/, '');

  beforeAll(async () => {
    app = await startAppServerWith('pglite', async (db) => ({ actors: await seededActors(db) }), {
      API_RATE_PER_SECOND: '0.5',
      API_RATE_BURST: '12',
    });
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  const call = (path: string, headers: Record<string, string>, init: RequestInit = {}) =>
    fetch(`${app.server.url}${path}`, { ...init, headers: { ...headers, ...init.headers } });

  it('takes a bearer token as it takes the cookie, on catalog, messaging and admin routes', async () => {
    for (const path of ['/api/orders', '/api/products', '/api/conversations', '/api/notifications']) {
      const response = await call(path, { authorization: `Bearer ${token('sales')}` });
      expect([path, response.status]).toEqual([path, 200]);
    }
    expect((await call('/api/admin/users', { authorization: `Bearer ${token('admin')}` })).status).toBe(200);
    const forged = await call('/api/orders', { authorization: `Bearer ${token('sales')}x` });
    expect(forged.status).toBe(401);
    expect(await forged.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: errorCodes.UNAUTHORIZED.reason, i18n: 'errors.unauthorized' },
    });
  });

  it('answers every error in one shape with the code and its i18n key', async () => {
    const cookie = { cookie: app.cookies.viewer! };
    const forbidden = await call('/api/admin/users', cookie);
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ error: { code: 'FORBIDDEN', i18n: 'errors.forbidden' } });
    const invalid = await call(
      '/api/products',
      { ...cookie, 'content-type': 'application/json' },
      {
        method: 'POST',
        body: '{not json',
      },
    );
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'VALIDATION', i18n: 'errors.validation' } });
    const missing = await call('/api/customers/00000000-0000-4000-8000-000000000000', {
      cookie: app.cookies.sales!,
    });
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND', i18n: 'errors.notFound' } });
  });

  it('counts catalog and messaging requests in one per-user bucket', async () => {
    const headers = { cookie: app.cookies.sales2! };
    const statuses: number[] = [];
    for (let i = 0; i < 30 && !statuses.includes(429); i++)
      statuses.push((await call(i % 2 ? '/api/orders' : '/api/conversations', headers)).status);
    expect(statuses).toContain(429);
    const limited = await call('/api/products', headers);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', i18n: 'errors.rateLimited' },
    });
    // Another person's bucket is their own.
    expect((await call('/api/products', { cookie: app.cookies.viewer! })).status).toBe(200);
  });

  /** Calls a server action of the build as the browser does (its id, JSON arguments) and reads its answer. */
  async function action(name: string, args: unknown[], cookie?: string) {
    const ref = builtActions(appDirectory()).find((a) => a.name === name);
    if (!ref) throw new Error(`server action ${name} is not in the build`);
    const response = await call(
      ref.page,
      {
        ...(cookie ? { cookie } : {}),
        'next-action': ref.id,
        accept: 'text/x-component',
        origin: app.server.url,
        'content-type': 'text/plain;charset=UTF-8',
      },
      { method: 'POST', body: JSON.stringify(args) },
    );
    const text = await response.text();
    return {
      status: response.status,
      code: /"code":"([A-Z_]+)"/.exec(text)?.[1],
      i18n: /"i18n":"([\w.]+)"/.exec(text)?.[1],
      text,
    };
  }

  describe('server actions go through the same edge', () => {
    const product = (name: string) => ({
      sku: `EDGE-${name.length}-${Date.now()}`,
      name,
      priceMinor: 100,
      stock: 1,
    });

    it('refuses without a session, and a viewer, in the one error shape', async () => {
      expect(await action('createProductAction', [product('No session')])).toMatchObject({
        status: 200,
        code: 'UNAUTHORIZED',
        i18n: 'errors.unauthorized',
      });
      expect(await action('createProductAction', [product('Viewer')], app.cookies.viewer)).toMatchObject({
        code: 'FORBIDDEN',
        i18n: 'errors.forbidden',
      });
    });

    it('refuses an oversized input before any work, and creates nothing', async () => {
      const name = `Huge ${'x'.repeat(200 * 1024)}`;
      expect(await action('createProductAction', [product(name)], app.cookies.admin)).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        i18n: 'errors.payloadTooLarge',
      });
      const list = await call('/api/products?q=Huge', { cookie: app.cookies.admin! });
      expect(await list.text()).not.toContain('Huge x');
    });

    it('stores half an emoji typed in a form as U+FFFD, as the browser would send a form', async () => {
      const email = `half-${Date.now()}@siam.example`;
      // JSON.stringify writes the lone surrogate as its escape, as React does for an action's arguments.
      const created = await action(
        'createCustomerAction',
        [
          {
            name: 'Half \uD83D emoji',
            email,
            address: {
              line1: '1 Road \uD83D',
              line2: '',
              city: 'Bangkok',
              postalCode: '10110',
              country: 'TH',
            },
          },
        ],
        app.cookies.admin,
      );
      expect(created.code).toBeUndefined();
      const list = await call(`/api/customers?q=${encodeURIComponent(email)}`, {
        cookie: app.cookies.admin!,
      });
      const body = await list.text();
      expect(body).toContain('Half \uFFFD emoji');
      expect(body).toContain('1 Road \uFFFD');
    });

    it('counts actions in the same per-user bucket as the REST API', async () => {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 40 && !codes.includes('RATE_LIMITED'); i++) {
        const rest = await call('/api/orders', { cookie: app.cookies.otherAdmin! });
        if (rest.status === 429)
          codes.push((await action('updateCustomerAction', ['x', {}], app.cookies.otherAdmin)).code);
      }
      expect(codes).toContain('RATE_LIMITED');
    });
  });
});
