import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { OutFrame } from './socket';
import { corkForTurn, wireOf } from './wire';

// Frames built by hand must be read by a real WebSocket client, plain and compressed, short and long.
describe('wire frames', () => {
  let server: http.Server;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = http.createServer();
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: { serverNoContextTakeover: true } });
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, () => sockets.push(socket as Socket));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    server.close();
  });

  it.each([
    { size: 10, compress: false },
    { size: 300, compress: false },
    { size: 70_000, compress: false },
    { size: 10, compress: true },
    { size: 70_000, compress: true },
  ])('a $size character message (compressed: $compress) arrives intact', async ({ size, compress }) => {
    const client = new WebSocket(url, { perMessageDeflate: compress });
    await once(client, 'open');
    await expect.poll(() => sockets.length).toBeGreaterThan(0);
    const socket = sockets.at(-1)!;
    const text = JSON.stringify({ text: 'ข'.repeat(size / 2) + 'a'.repeat(size / 2) });
    const received = once(client, 'message');
    const frame = new OutFrame(text);
    socket.write(wireOf(frame, compress));
    const [data] = (await received) as [Buffer];
    expect(data.toString()).toBe(text);
    // A second write of the same cached frame is read the same way.
    const again = once(client, 'message');
    socket.write(wireOf(frame, compress));
    expect(((await again) as [Buffer])[0].toString()).toBe(text);
    client.close();
  });
});

describe('corking', () => {
  it("flushes each socket once per turn of the event loop, after all of the turn's callbacks wrote to it", async () => {
    const log: string[] = [];
    const socket = (name: string) => ({
      cork: () => log.push(`cork ${name}`),
      uncork: () => log.push(`uncork ${name}`),
    });
    const a = socket('a');
    const b = socket('b');
    // Two callbacks of one turn (as a frame from each of two clients would be) write to the sockets. Two
    // immediates queued together run in the same turn (two timers may not, on a busy machine).
    await new Promise<void>((resolve) => {
      let left = 2;
      const callback = (target: { cork(): void; uncork(): void }) => () => {
        corkForTurn(target, false);
        process.nextTick(() => log.push('after a callback'));
        if (--left === 0) resolve();
      };
      setImmediate(callback(a));
      setImmediate(callback(b));
    });
    expect(log).toEqual(['cork a', 'after a callback', 'cork b', 'after a callback']);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(log.slice(4)).toEqual(['uncork a', 'uncork b']);
    // A socket already corked this turn is not corked twice.
    corkForTurn(a, true);
    expect(log).toHaveLength(6);
  });
});
