import { describe, expect, it } from 'vitest';
import { parseEnv, seedsDemoData, showsDemoAccounts } from './env';

const url = 'postgres://app@db.internal:5432/sales';

describe('safe defaults', () => {
  it.each([
    ['embedded, SEED unset', {}, true, true],
    ['embedded, SEED=false', { SEED: 'false' }, false, false],
    ['DATABASE_URL, SEED unset', { DATABASE_URL: url }, false, false],
    // Asked for explicitly (a staging demo): seeded, still not advertised on the sign-in page.
    ['DATABASE_URL, SEED=true', { DATABASE_URL: url, SEED: 'true' }, true, false],
    ['production with DATABASE_URL', { DATABASE_URL: url, NODE_ENV: 'production' }, false, false],
  ])('%s', (_name, source, seeds, shows) => {
    const env = parseEnv(source);
    expect(seedsDemoData(env)).toBe(seeds);
    expect(showsDemoAccounts(env)).toBe(shows);
  });

  it('takes ADMIN_EMAIL and ADMIN_PASSWORD only together, with a password of 10 characters or more', () => {
    expect(parseEnv({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'long-enough-1' })).toMatchObject({
      ADMIN_EMAIL: 'boss@example.com',
      ADMIN_NAME: 'Administrator',
    });
    expect(() => parseEnv({ ADMIN_EMAIL: 'boss@example.com' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => parseEnv({ ADMIN_PASSWORD: 'long-enough-1' })).toThrow(/ADMIN_PASSWORD/);
    expect(() => parseEnv({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'short' })).toThrow(
      /ADMIN_PASSWORD/,
    );
    expect(() => parseEnv({ ADMIN_EMAIL: 'not-an-email', ADMIN_PASSWORD: 'long-enough-1' })).toThrow(
      /ADMIN_EMAIL/,
    );
  });
});
