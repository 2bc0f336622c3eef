import type { Socket } from 'node:net';
import zlib from 'node:zlib';
import type { OutFrame } from './socket';

/**
 * Server-to-client WebSocket text frames, built once per message and written as is to every recipient (server
 * frames are unmasked, so the bytes are the same for everyone). Compressed frames use permessage-deflate with
 * server_no_context_takeover, which makes each compressed message independent and therefore shareable too.
 */
export function encodeFrame(text: string, compressed: Buffer | null): Buffer {
  const length = compressed ? compressed.length : Buffer.byteLength(text);
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(headerLength + length);
  out[0] = compressed ? 0xc1 : 0x81;
  if (length < 126) out[1] = length;
  else if (length < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  if (compressed) compressed.copy(out, headerLength);
  else out.write(text, headerLength);
  return out;
}

export function deflateMessage(text: string): Buffer {
  const deflated = zlib.deflateRawSync(Buffer.from(text), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  // permessage-deflate drops the trailing empty block of a sync flush.
  return deflated.subarray(0, deflated.length - 4);
}

export function wireOf(frame: OutFrame, compress: boolean): Buffer {
  if (compress) {
    frame.deflated ??= encodeFrame(frame.text, deflateMessage(frame.text));
    return frame.deflated;
  }
  frame.plain ??= encodeFrame(frame.text, null);
  return frame.plain;
}

type Corkable = { cork(): void; uncork(): void };
let corked: Corkable[] = [];
let flushScheduled = false;

function flush(): void {
  const batch = corked;
  corked = [];
  flushScheduled = false;
  for (const socket of batch) socket.uncork();
}

/**
 * Batches a socket's writes until the end of the current turn of the event loop: one writev per socket for
 * everything the turn's callbacks sent it (frames from many clients, a database answer with its broadcasts and
 * acks), not one per frame nor one per callback. Flushed by setImmediate, once the turn's I/O callbacks ran; the
 * README ("Hot path") has what a flush per callback (process.nextTick) cost. A write made in a setImmediate
 * callback waits one more turn, which does not block for I/O.
 */
export function corkForTurn(socket: Corkable, alreadyCorked: boolean): void {
  if (alreadyCorked) return;
  socket.cork();
  corked.push(socket);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

/** Runs `then` once everything written to the socket so far has been handed to the kernel. */
export function afterFlush(tcp: Socket, then: () => void): void {
  if (tcp.writableLength === 0 || tcp.destroyed) {
    then();
    return;
  }
  const check = () => {
    if (tcp.writableLength > 0 && !tcp.destroyed) return;
    tcp.off('drain', check);
    tcp.off('close', check);
    then();
  };
  tcp.on('drain', check);
  tcp.on('close', check);
}
