import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppServer } from '../support/app-server';
import { postgresAvailable, TEST_POSTGRES_URL } from '../support/services';

const available = await postgresAvailable();

/**
 * A production start on an empty PostgreSQL database: no demo data and no demo accounts on the sign-in page; the
 * first admin comes from ADMIN_EMAIL / ADMIN_PASSWORD, once.
 */
describe.runIf(available)('safe defaults with DATABASE_URL', () => {
  const name = `osl_test_empty_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  let databaseUrl: string;

  const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(TEST_POSTGRES_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('seeds nothing, lists no demo accounts and says how to create the first admin', async () => {
    const server = await startAppServer({ databaseUrl });
    try {
      const html = await (await fetch(`${server.url}/sign-in`)).text();
      expect(html).toContain('data-testid="setup-needed"');
      expect(html).not.toContain('data-testid="demo-accounts"');
      expect(html).not.toContain('demo1234');
      expect(await query<{ n: number }>('select count(*)::int as n from users')).toEqual([{ n: 0 }]);
      expect(await query<{ n: number }>('select count(*)::int as n from tenants')).toEqual([{ n: 0 }]);
    } finally {
      await server.stop();
    }
  }, 120_000);

  it('creates the first admin from ADMIN_EMAIL / ADMIN_PASSWORD once, in a new organisation', async () => {
    const env = {
      ADMIN_EMAIL: 'Boss@Example.com',
      ADMIN_PASSWORD: 'a-long-first-password',
      ADMIN_ORGANISATION: 'Acme Trading',
    };
    for (let start = 0; start < 2; start++) {
      const server = await startAppServer({ databaseUrl, env });
      try {
        const html = await (await fetch(`${server.url}/sign-in`)).text();
        expect(html).not.toContain('data-testid="setup-needed"');
        expect(html).not.toContain('data-testid="demo-accounts"');
      } finally {
        await server.stop();
      }
    }
    expect(
      await query(
        'select u.email, u.role, u.active, t.name from users u join tenants t on t.id = u.tenant_id',
      ),
    ).toEqual([{ email: 'boss@example.com', role: 'admin', active: true, name: 'Acme Trading' }]);
    expect(await query('select action, actor_name from admin_audit')).toEqual([
      { action: 'user.created', actor_name: 'setup' },
    ]);
  }, 180_000);
});
