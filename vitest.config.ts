import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './e2e/support/sequencer';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    globalSetup: ['e2e/support/global-setup.ts'],
    // Limits that catch a hang, not budgets: on a busy shared machine a test waits for its events as long as they take.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // expect.poll waits for the event (its own default gives up after one second).
    expect: { poll: { timeout: 60_000 } },
    pool: 'forks',
    maxWorkers: 2,
    sequence: { sequencer: LongestFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'components/**/*.test.ts'],
          // Unit files share their worker process (a fresh process per file cost more than most of them take); each
          // closes what it opens and restores what it stubs. Integration files, which start servers and hook process
          // events, keep a process each.
          isolate: false,
        },
      },
      { extends: true, test: { name: 'integration', include: ['e2e/integration/**/*.test.ts'] } },
    ],
  },
});
