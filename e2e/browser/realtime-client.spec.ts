import { type BrowserContext, expect, type Page, test } from '@playwright/test';
import { build } from 'esbuild';
import { signedInContext } from '../support/auth';

/**
 * The WebSocketClient in a real Chromium, same origin as the app (the session cookie authenticates the socket):
 * the browser's offline/online events, the offline queue flushed in order, and recovery of what was missed.
 * The client is bundled from source and injected, so this runs whether or not a page mounts the provider yet.
 */

type Probe = {
  status: string;
  queued: number;
  events: Array<{ seq: number; n: number; actor?: string }>;
  recoveries: Array<{ outcome: string; missed: number }>;
};

declare global {
  interface Window {
    OSLRealtime: typeof import('../../lib/realtime/client');
    probe: Probe;
    rt: import('../../lib/realtime/client').WebSocketClient;
  }
}

let bundle = '';

test.beforeAll(async () => {
  const result = await build({
    entryPoints: ['lib/realtime/client/index.ts'],
    bundle: true,
    format: 'iife',
    globalName: 'OSLRealtime',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
});

async function startClient(page: Page, channel: string): Promise<void> {
  await page.addScriptTag({ content: bundle });
  await page.evaluate(async (name) => {
    window.probe = { status: 'idle', queued: 0, events: [], recoveries: [] };
    const client = new window.OSLRealtime.WebSocketClient({ url: '/ws', reconnectInterval: 200 });
    window.rt = client;
    client.on('state', (s) => {
      window.probe.status = s.status;
    });
    client.on('queue', (q) => {
      window.probe.queued = q.queued;
    });
    client.on('recovery', (r) => window.probe.recoveries.push({ outcome: r.outcome, missed: r.missed }));
    await client.subscribe(name, {
      onEvent: (e) =>
        window.probe.events.push({ seq: e.seq, n: (e.data as { n: number }).n, actor: e.actor?.name }),
    }).ready;
  }, channel);
}

const probe = (page: Page) => page.evaluate(() => window.probe);

test('offline in the browser: queued writes flush in order once, missed events are recovered', async ({
  browser,
}) => {
  const channel = `order:browser-${Date.now().toString(36)}`;
  const anna: { context: BrowserContext; page: Page } = await signedInContext(browser, 'anna@siam.example');
  const napa = await signedInContext(browser, 'napa@siam.example');
  await startClient(anna.page, channel);
  await startClient(napa.page, channel);
  await expect.poll(async () => (await probe(anna.page)).status).toBe('open');

  const publish = (page: Page, n: number) =>
    page.evaluate(
      ([name, value]) => window.rt.publish(name as string, 'changed', { n: value }),
      [channel, n],
    );
  await publish(napa.page, 1);
  await expect.poll(async () => (await probe(anna.page)).events.length).toBe(1);

  await anna.context.setOffline(true);
  await expect.poll(async () => (await probe(anna.page)).status).toBe('offline');
  // Anna writes while offline: kept in order in the queue.
  await anna.page.evaluate((name) => {
    for (const n of [10, 11, 12]) void window.rt.publish(name, 'changed', { n });
  }, channel);
  expect((await probe(anna.page)).queued).toBe(3);
  // Napa keeps working meanwhile: Anna misses these.
  for (const n of [2, 3, 4]) await publish(napa.page, n);

  await anna.context.setOffline(false);
  await expect.poll(async () => (await probe(anna.page)).events.length).toBe(7);
  const after = await probe(anna.page);
  expect(after.status).toBe('open');
  expect(after.queued).toBe(0);
  expect(after.events.map((e) => e.n)).toEqual([1, 2, 3, 4, 10, 11, 12]);
  expect(after.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
  expect(after.recoveries).toEqual([
    { outcome: 'fresh', missed: 0 },
    { outcome: 'recovered', missed: 3 },
  ]);
  // Napa sees Anna's queued writes once each, in order.
  await expect
    .poll(async () => (await probe(napa.page)).events.map((e) => e.n))
    .toEqual([1, 2, 3, 4, 10, 11, 12]);
  expect((await probe(napa.page)).events.slice(4).every((e) => e.actor === 'Anna Carter')).toBe(true);

  await anna.context.close();
  await napa.context.close();
});
