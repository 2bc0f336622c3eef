import { type BrowserContext, test } from '@playwright/test';

/**
 * Closes, after each test of the calling spec file, every browser context the test opened itself (the people it
 * signed in with `browser.newContext()`): the `browser` fixture lives as long as the worker, so a context left open
 * keeps its pages running and connected to the worker's server through every later test of that worker (their
 * timers, their sockets, their presence as that person somewhere else). Contexts opened in a `beforeAll` (shared by
 * the file's tests) are left to the file. A failed test's screenshots are taken before this runs.
 */
export function closeContextsAfterEachTest(): void {
  let before = new Set<BrowserContext>();
  test.beforeEach(({ browser }) => {
    before = new Set(browser.contexts());
  });
  test.afterEach(async ({ browser }) => {
    const opened = browser.contexts().filter((context) => !before.has(context));
    await Promise.all(opened.map((context) => context.close().catch(() => {})));
  });
}
