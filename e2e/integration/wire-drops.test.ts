import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WIRE_DROPS_PATH } from '../../lib/wire/drops';
import { type AppServerWithFixtures, startAppServerWith } from '../support/app-server';
import { seededActors } from '../support/catalog-fixtures';

type Fixtures = { actors: Awaited<ReturnType<typeof seededActors>> };

/**
 * Payloads a browser dropped at its edge in production (lib/wire/edge.ts) reach the server's /metrics through the
 * one HTTP edge: signed in only, the body checked, counted per contract.
 */
describe('payloads dropped by browsers are counted on /metrics', () => {
  let app: AppServerWithFixtures<Fixtures>;

  beforeAll(async () => {
    app = await startAppServerWith('pglite', async (db) => ({ actors: await seededActors(db) }));
  }, 300_000);
  afterAll(async () => {
    await app?.stop();
  });

  const report = (body: unknown, cookie?: string) =>
    fetch(`${app.server.url}${WIRE_DROPS_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify(body),
    });
  const dropped = async (contract: string) => {
    const text = await (await fetch(`${app.server.url}/metrics`)).text();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('osl_client_payload_dropped_total{') && l.includes(`contract="${contract}"`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  };

  it('adds a signed-in browser report to the counter of each contract', async () => {
    const response = await report(
      { drops: { 'messaging.message': 3, 'comments.thread': 1 } },
      app.cookies.sales,
    );
    expect(response.status).toBe(204);
    expect(await dropped('messaging.message')).toBe(3);
    expect(await dropped('comments.thread')).toBe(1);
    expect((await report({ drops: { 'messaging.message': 2 } }, app.cookies.viewer)).status).toBe(204);
    expect(await dropped('messaging.message')).toBe(5);
  });

  it('refuses reports from nobody and reports that are not one', async () => {
    expect((await report({ drops: { 'messaging.message': 1 } })).status).toBe(401);
    const invalid = await report({ drops: { 'not a contract': 1 } }, app.cookies.sales);
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: 'VALIDATION' } });
    expect(await dropped('messaging.message')).toBe(5);
  });
});
