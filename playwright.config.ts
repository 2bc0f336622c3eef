import { defineConfig, devices } from '@playwright/test';
import { browserWorkers } from './e2e/support/browser-global-setup';

/**
 * Browser tests drive Debian's Chromium against the production build, started by e2e/support/browser-server.ts
 * on a free port with a fresh PGlite data folder.
 */
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e/browser',
  globalSetup: './e2e/support/browser-global-setup.ts',
  // Spec files run in parallel workers (two unless PW_WORKERS says otherwise), each against its own seeded server
  // (e2e/support/browser-global-setup.ts); the tests of one file run in order in one worker, so the specs that pick
  // seeded orders from different ends of the list never meet in the middle of one another.
  fullyParallel: false,
  workers: browserWorkers(),
  // Limits that catch a hang, not budgets: on a busy shared machine a step waits for its event as long as it takes.
  timeout: 600_000,
  expect: { timeout: 60_000 },
  retries: 0,
  reporter: [['list']],
  use: {
    ...devices['Desktop Chrome'],
    // A failed test keeps its trace (actions, DOM snapshots, network, console) but not a film of every frame: the
    // screencast of every page of every test took about a third of the suite's CPU on two cores.
    // PW_TRACE_SCREENSHOTS=1 films as well.
    trace: {
      mode: 'retain-on-failure',
      screenshots: process.env.PW_TRACE_SCREENSHOTS === '1',
      snapshots: true,
      sources: true,
    },
    screenshot: 'only-on-failure',
    // A click or fill waits for its element at most two minutes (twice an expectation's limit), not the test's ten:
    // a list that never shows its row fails early, with the step that waited.
    actionTimeout: 120_000,
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
