import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['lib/**/*.test.ts', 'components/**/*.test.ts', 'e2e/integration/**/*.test.ts'],
    globalSetup: ['e2e/support/global-setup.ts'],
    // Limits that catch a hang, not budgets: on a busy shared machine a test waits for its events as long as they take.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // expect.poll waits for the event (its own default gives up after one second).
    expect: { poll: { timeout: 60_000 } },
    pool: 'forks',
    maxWorkers: 2,
  },
});
