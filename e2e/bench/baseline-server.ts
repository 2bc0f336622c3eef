// The baseline: the best plain `ws` broadcast server for this workload. Each message is parsed once (to find its
// room), framed once, and written to every other member's socket, with each socket corked for the rest of the tick.
// run.ts bundles it and runs it as plain Node on the PORT it is given (no loader, no IPC), as it runs our server.
import http from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';

const rooms = new Map<string, Set<Socket>>();
// Any HTTP request answers 200: run.ts's readiness check.
const server = http.createServer((_req, res) => res.end('ok'));
const wss = new WebSocketServer({ noServer: true, clientTracking: false, perMessageDeflate: false });
const corked: Socket[] = [];
let scheduled = false;

function uncorkAll(): void {
  scheduled = false;
  for (const socket of corked.splice(0)) socket.uncork();
}

function frame(payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + length);
  out[0] = 0x81;
  if (length < 126) out[1] = length;
  else if (length < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(0, 2);
    out.writeUInt32BE(length, 6);
  }
  payload.copy(out, header);
  return out;
}

server.on('upgrade', (req, socket, head) => {
  wss.handleUpgrade(req, socket, head, (ws) => {
    const tcp = socket as Socket;
    tcp.setNoDelay(true);
    let joined: string | null = null;
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { sub?: string; channel?: string };
      if (message.sub) {
        joined = message.sub;
        let members = rooms.get(joined);
        if (!members) {
          members = new Set();
          rooms.set(joined, members);
        }
        members.add(tcp);
        ws.send('{"type":"subscribed"}');
        return;
      }
      const members = message.channel ? rooms.get(message.channel) : undefined;
      if (!members) return;
      const bytes = frame(data);
      for (const member of members) {
        if (member === tcp) continue;
        if (!member.writableCorked) {
          member.cork();
          corked.push(member);
        }
        member.write(bytes);
      }
      if (!scheduled) {
        scheduled = true;
        process.nextTick(uncorkAll);
      }
    });
    ws.on('close', () => {
      if (joined) rooms.get(joined)?.delete(tcp);
    });
  });
});

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
// A clean exit on SIGTERM, so a CPU profile (BENCH_PROFILE) is written.
process.on('SIGTERM', () => process.exit(0));
