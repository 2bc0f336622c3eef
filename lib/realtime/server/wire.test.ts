import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { OutFrame } from './socket';
import { wireOf } from './wire';

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
