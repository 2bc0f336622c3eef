import WebSocket from 'ws';

export type Frame = {
  type: string;
  id?: string;
  channel?: string;
  event?: string;
  data?: Record<string, unknown>;
};

/** A raw `ws` client of the built app that keeps every frame and lets a test wait for one (no sleeps). */
export async function openFrames(baseUrl: string, cookie: string) {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?v=1`, {
    headers: { cookie },
    origin: baseUrl,
  });
  const frames: Frame[] = [];
  const waiters: { test: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  socket.on('message', (raw) => {
    const frame = JSON.parse(String(raw)) as Frame;
    frames.push(frame);
    for (const w of [...waiters])
      if (w.test(frame)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(frame);
      }
  });
  const next = (test: (f: Frame) => boolean) =>
    new Promise<Frame>((resolve) => {
      const seen = frames.find(test);
      if (seen) resolve(seen);
      else waiters.push({ test, resolve });
    });
  await next((f) => f.type === 'welcome');
  let ids = 0;
  return {
    frames,
    next,
    async subscribe(channel: string) {
      const id = `sub-${++ids}`;
      socket.send(JSON.stringify({ type: 'subscribe', id, channel }));
      return next((f) => (f.type === 'subscribed' || f.type === 'ack') && f.id === id);
    },
    close: () => socket.close(),
  };
}
