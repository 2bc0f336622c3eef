// The load generator: a child process holding a share of the client sockets, driven by run.ts over IPC. run.ts
// starts several when one process would be the bottleneck (each takes a share of the sockets and of the traffic).
import { openRaw, type RawSocket } from './raw-client';

/** What the clients send in the rooms case: our ephemeral signal, our durable publish, or the baseline's envelope. */
export type PublishFrame = 'signal' | 'publish' | 'baseline';

export type LoadCommand =
  | {
      op: 'connect';
      port: number;
      path: string;
      /** One per socket (cycled when shorter). */
      cookies: string[];
      count: number;
      concurrency: number;
      /** The channel each socket joins (cycled when shorter). */
      channels: string[];
      /** How the socket joins: our subscribe message, or the baseline's `{sub}` line. */
      protocol: 'ours' | 'baseline';
    }
  | {
      op: 'publish';
      /** Messages per second from every socket, for `seconds`. */
      rate: number;
      seconds: number;
      frame: PublishFrame;
      /** The actor our server adds to every event (the baseline is sent it inside the envelope). */
      actor: string;
      /** Makes this run's durable message ids unique (the dedupe store may outlive a run). */
      tag: string;
    }
  /** Every socket opened by the last `connect` joins its channel; answered once every join was answered. */
  | { op: 'subscribe' }
  | { op: 'reset' }
  | { op: 'report' }
  | { op: 'close' };

export type LoadReply =
  | { op: 'connected'; count: number; ms: number; failed: number }
  | { op: 'subscribed'; ms: number }
  | { op: 'published'; sent: number }
  | { op: 'report'; received: number; histogram: number[] }
  | { op: 'closed' };

const BUCKET_MS = 0.05;
const BUCKETS = 200_000;
const histogram = new Uint32Array(BUCKETS);
let received = 0;
const sockets: RawSocket[] = [];
/** The channel of each socket in `sockets`. */
const joined: string[] = [];
const TS = Buffer.from('"t":');
let answers = 0;
let onAnswer: () => void = () => {};
/** The sockets of the last `connect`, with their channel and how they join it. */
let lastOpened: Array<{ socket: RawSocket; channel: string }> = [];
let lastProtocol: 'ours' | 'baseline' = 'ours';

function now(): number {
  return performance.timeOrigin + performance.now();
}

function readNumber(buffer: Buffer, at: number, end: number): number {
  let value = 0;
  let scale = 0;
  for (let i = at; i < end; i++) {
    const c = buffer[i]!;
    if (c === 46) scale = 1;
    else if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      if (scale) scale *= 10;
    } else break;
  }
  return scale ? value / scale : value;
}

function onFrame(buffer: Buffer, start: number, end: number): void {
  // Frames start with {"type":"…: byte 9 tells an event (e) from a subscribe answer (su) or a signal (si); other
  // frames (welcome, acks, presence) are not counted.
  const kind = buffer[start + 9];
  if (kind === 115) {
    if (buffer[start + 10] === 117) {
      answers++;
      onAnswer();
      return;
    }
    if (buffer[start + 10] !== 105) return;
  } else if (kind !== 101) return;
  received++;
  const at = buffer.indexOf(TS, start);
  if (at === -1 || at >= end) return;
  const latency = now() - readNumber(buffer, at + 4, end);
  const bucket = Math.min(BUCKETS - 1, Math.max(0, Math.floor(latency / BUCKET_MS)));
  histogram[bucket]!++;
}

async function connect(command: Extract<LoadCommand, { op: 'connect' }>): Promise<LoadReply> {
  const started = performance.now();
  let next = 0;
  let failed = 0;
  answers = 0;
  const opened: Array<{ socket: RawSocket; channel: string }> = [];
  async function worker() {
    while (next < command.count) {
      const index = next++;
      try {
        const socket = await openRaw(
          command.port,
          command.path,
          command.cookies[index % command.cookies.length],
          onFrame,
        );
        const channel = command.channels[index % command.channels.length]!;
        opened.push({ socket, channel });
        sockets.push(socket);
        joined.push(channel);
      } catch {
        failed++;
      }
    }
  }
  await Promise.all(Array.from({ length: command.concurrency }, worker));
  lastOpened = opened;
  lastProtocol = command.protocol;
  return { op: 'connected', count: opened.length, ms: performance.now() - started, failed };
}

async function subscribe(): Promise<LoadReply> {
  const started = performance.now();
  const opened = lastOpened;
  answers = 0;
  const answered = new Promise<void>((resolve) => {
    onAnswer = () => {
      if (answers >= opened.length) resolve();
    };
    if (opened.length === 0) resolve();
  });
  opened.forEach(({ socket, channel }, i) => {
    socket.send(
      lastProtocol === 'baseline'
        ? JSON.stringify({ sub: channel })
        : JSON.stringify({ type: 'subscribe', id: `s${i}`, channel }),
    );
  });
  await answered;
  return { op: 'subscribed', ms: performance.now() - started };
}

function message(frame: PublishFrame, channel: string, n: number, actor: string, tag: string): string {
  const t = now();
  const data = `{"n":${n},"t":${t}}`;
  switch (frame) {
    case 'signal':
      return `{"type":"signal","channel":"${channel}","event":"tick","data":${data}}`;
    case 'publish':
      return `{"type":"publish","id":"${tag}-${n}","channel":"${channel}","event":"tick","data":${data}}`;
    case 'baseline':
      // The very bytes our server sends for a signal, so both servers move the same payload.
      return `{"type":"signal","channel":"${channel}","event":"tick","data":${data},"actor":${actor},"ts":${Math.floor(t)}}`;
  }
}

/** Every socket sends `rate` messages a second, spread evenly: socket k % n sends the k-th message. */
function publish(command: Extract<LoadCommand, { op: 'publish' }>): Promise<LoadReply> {
  const count = sockets.length;
  const total = Math.floor(command.rate * command.seconds * count);
  let sent = 0;
  const begin = performance.now();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const elapsed = (performance.now() - begin) / 1000;
      const due = Math.min(total, Math.floor(command.rate * count * elapsed));
      while (sent < due) {
        const index = sent % count;
        sockets[index]!.send(message(command.frame, joined[index]!, sent, command.actor, command.tag));
        sent++;
      }
      if (sent >= total) {
        clearInterval(timer);
        resolve({ op: 'published', sent });
      }
    }, 2);
  });
}

process.on('message', (command: LoadCommand) => {
  const reply = (message: LoadReply) => process.send?.(message);
  switch (command.op) {
    case 'connect':
      void connect(command).then(reply);
      return;
    case 'subscribe':
      void subscribe().then(reply);
      return;
    case 'publish':
      void publish(command).then(reply);
      return;
    case 'reset':
      received = 0;
      histogram.fill(0);
      reply({ op: 'report', received: 0, histogram: [] });
      return;
    case 'report': {
      // Sparse histogram: [bucket, count, bucket, count, ...]
      const sparse: number[] = [];
      for (let i = 0; i < BUCKETS; i++) if (histogram[i]) sparse.push(i, histogram[i]!);
      reply({ op: 'report', received, histogram: sparse });
      return;
    }
    case 'close':
      for (const socket of sockets.splice(0)) socket.close();
      joined.length = 0;
      reply({ op: 'closed' });
      return;
  }
});
