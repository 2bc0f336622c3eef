import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { browserWorkers } from './e2e/support/browser-global-setup';

/**
 * Browser tests drive Debian's Chromium against the production build, started by e2e/support/browser-global-setup.ts
 * on a free port with a fresh PGlite data folder.
 *
 * The browser is Debian's headless shell (package chromium-headless-shell: the same engine without the desktop
 * browser around it) when it is installed, else the full Chromium; CHROMIUM_PATH picks another. On two cores the
 * suite's CPU is mostly the browser's: the shell ran the collab spec in 0.67x the time and 0.62x the CPU.
 */
const chromiumPath =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium-headless-shell', '/usr/bin/chromium'].find((candidate) => existsSync(candidate)) ??
  '/usr/bin/chromium';

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
    // Pages open as for a person who asked for less motion (app/globals.css then stills the pulsing dots): nothing
    // repaints 60 times a second while a test waits. PW_MOTION=1 animates.
    reducedMotion: process.env.PW_MOTION === '1' ? 'no-preference' : 'reduce',
    // Traces are asked for (PW_TRACE=1: actions, DOM snapshots, network and console of a failed test; add
    // PW_TRACE_SCREENSHOTS=1 for a film of every frame). Recording them for every test cost a fifth of the suite's
    // time (collab spec: 107 s with traces, 87 s without); a failure still leaves its screenshot and the page's
    // accessibility snapshot (error-context.md).
    trace: {
      mode: process.env.PW_TRACE === '1' ? 'retain-on-failure' : 'off',
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
