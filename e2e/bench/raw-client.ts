import { randomBytes } from 'node:crypto';
import net from 'node:net';

/**
 * A minimal WebSocket client for the load generator: one TCP socket, a hand-written handshake and frame parser,
 * no per-message allocations beyond what the caller does, so the clients cost less CPU than the servers measured.
 */
export type FrameHandler = (buffer: Buffer, start: number, end: number) => void;

export class RawSocket {
  /** Bytes received and not parsed yet, kept as chunks until a whole frame is there (no copy per chunk). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** How many bytes the next frame (or its header) needs before parsing can go on. */
  private needed = 2;
  onClose: () => void = () => {};

  constructor(
    readonly socket: net.Socket,
    public onFrame: FrameHandler,
  ) {
    socket.on('data', (chunk: Buffer) => this.read(chunk));
    socket.on('close', () => this.onClose());
    socket.on('error', () => {});
  }

  private read(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return;
    const buffer = this.chunks.length === 1 ? chunk : Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    this.needed = 2;
    let offset = 0;
    while (buffer.length - offset >= 2) {
      const second = buffer[offset + 1]! & 0x7f;
      let header = 2;
      let length = second;
      if (second === 126) {
        if (buffer.length - offset < 4) {
          this.needed = 4;
          break;
        }
        length = buffer.readUInt16BE(offset + 2);
        header = 4;
      } else if (second === 127) {
        if (buffer.length - offset < 10) {
          this.needed = 10;
          break;
        }
        length = buffer.readUInt32BE(offset + 6);
        header = 10;
      }
      if (buffer.length - offset < header + length) {
        this.needed = header + length;
        break;
      }
      const opcode = buffer[offset]! & 0x0f;
      if (opcode === 1 || opcode === 2) this.onFrame(buffer, offset + header, offset + header + length);
      else if (opcode === 9) this.control(0xa, buffer.subarray(offset + header, offset + header + length));
      offset += header + length;
    }
    if (offset < buffer.length) {
      this.chunks.push(buffer.subarray(offset));
      this.buffered = buffer.length - offset;
    }
  }

  private control(opcode: number, payload: Buffer): void {
    this.socket.write(frame(opcode, payload));
  }

  send(text: string): void {
    this.socket.write(frame(1, Buffer.from(text)));
  }

  close(): void {
    this.socket.destroy();
  }
}

let maskSeed = 1;

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + 4 + length);
  out[0] = 0x80 | opcode;
  if (length < 126) out[1] = 0x80 | length;
  else if (length < 65_536) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeUInt32BE(0, 2);
    out.writeUInt32BE(length, 6);
  }
  // A cheap mask: the server must unmask, but a client of our own needs no unpredictable one (randomBytes per frame
  // would make the load generator, not the servers, the bottleneck).
  maskSeed = (maskSeed * 1_103_515_245 + 12_345) >>> 0;
  out.writeUInt32BE(maskSeed, header);
  for (let i = 0; i < length; i++) out[header + 4 + i] = payload[i]! ^ out[header + (i & 3)]!;
  return out;
}

/** Opens a WebSocket (no extensions), resolving once the 101 answer arrived. */
export function openRaw(
  port: number,
  path: string,
  cookie: string | undefined,
  onFrame: FrameHandler,
): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setNoDelay(true);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.off('error', reject);
      if (!head.subarray(0, 12).toString().includes('101')) {
        socket.destroy();
        reject(new Error(head.subarray(0, end).toString().split('\r\n')[0]));
        return;
      }
      const raw = new RawSocket(socket, onFrame);
      resolve(raw);
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.emit('data', rest);
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
          `${cookie ? `Cookie: ${cookie}\r\n` : ''}\r\n`,
      );
    });
  });
}
