// The load generator: a child process holding many subscriber sockets, driven by run.ts over IPC.
import { openRaw, type RawSocket } from './raw-client';

export type LoadCommand =
  | {
      op: 'connect';
      port: number;
      path: string;
      cookies: string[];
      count: number;
      concurrency: number;
      /** Subscribe message per socket index (null: the raw baseline's subscribe line). */
      subscribe: string[];
      /** Whether to wait for an answer frame to each subscribe. */
      awaitAnswer: boolean;
    }
  | { op: 'reset' }
  | { op: 'report' }
  | { op: 'close' };

export type LoadReply =
  | { op: 'connected'; count: number; ms: number; failed: number; subscribedMs: number }
  | { op: 'report'; received: number; histogram: number[] }
  | { op: 'closed' };

const BUCKET_MS = 0.05;
const BUCKETS = 200_000;
const histogram = new Uint32Array(BUCKETS);
let received = 0;
const sockets: RawSocket[] = [];
const TS = Buffer.from('"t":');
let answers = 0;
let onAnswer: () => void = () => {};

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
  // Frames start with {"type":"…: byte 9 tells an event (e) from a subscribe answer (s); others are not counted.
  const kind = buffer[start + 9];
  if (kind === 115) {
    answers++;
    onAnswer();
    return;
  }
  if (kind !== 101) return;
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
  const opened: RawSocket[] = [];
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
        opened.push(socket);
        sockets.push(socket);
      } catch {
        failed++;
      }
    }
  }
  await Promise.all(Array.from({ length: command.concurrency }, worker));
  const ms = performance.now() - started;
  const subscribeStarted = performance.now();
  const answered = new Promise<void>((resolve) => {
    onAnswer = () => {
      if (answers >= opened.length) resolve();
    };
    if (!command.awaitAnswer) resolve();
  });
  opened.forEach((socket, i) => {
    socket.send(command.subscribe[i % command.subscribe.length]!);
  });
  await answered;
  return {
    op: 'connected',
    count: opened.length,
    ms,
    failed,
    subscribedMs: performance.now() - subscribeStarted,
  };
}

process.on('message', (command: LoadCommand) => {
  const reply = (message: LoadReply) => process.send?.(message);
  switch (command.op) {
    case 'connect':
      void connect(command).then(reply);
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
      reply({ op: 'closed' });
      return;
  }
});
