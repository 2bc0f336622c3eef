import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { LoadCommand, LoadReply } from './load';

/** A child process spoken to over IPC with request/answer pairs (one outstanding request at a time). */
export class Child {
  private constructor(readonly process: ChildProcess) {}

  static start(script: string, env: Record<string, string> = {}, flags: string[] = []): Child {
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Child(child);
  }

  request<T>(message: LoadCommand, answer: LoadReply['op']): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: { op: string }) => {
        if (reply.op !== answer) return;
        this.process.off('message', onMessage);
        this.process.off('exit', onExit);
        resolve(reply as T);
      };
      const onExit = (code: number | null) => reject(new Error(`child exited with ${code}`));
      this.process.on('message', onMessage);
      this.process.once('exit', onExit);
      this.process.send(message);
    });
  }

  stop(): Promise<void> {
    return stopProcess(this.process);
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** A port nobody listens on right now (the server is told to use it, so no log line has to be read for it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function getStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/**
 * What the operating system says of a process: resident memory, CPU time (user + system) and the system part of it
 * (the kernel's work for its syscalls: accepts, reads, writes). Linux /proc.
 */
export type Probe = { rss: number; cpuMicros: number; systemMicros: number };

const TICK_MICROS = 1_000_000 / 100;

export function probe(pid: number): Probe {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  // /proc/<pid>/stat: the command name may hold spaces, so fields are counted after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const system = Number(fields[12]);
  const ticks = Number(fields[11]) + system;
  return { rss: rssKb * 1024, cpuMicros: ticks * TICK_MICROS, systemMicros: system * TICK_MICROS };
}

export type ServerProcess = {
  pid: number;
  port: number;
  probe(): Probe;
  /** Samples RSS every 100 ms until stopped; returns the highest value seen. */
  watchPeak(): () => number;
  stop(): Promise<void>;
};

/**
 * Starts a server as its own Node process (no loader, no IPC: the process that would run in production) on a free
 * port and waits until `readyPath` answers 200. BENCH_PROFILE=<dir> adds --cpu-prof, written there on exit.
 */
export async function startServerProcess(
  script: string,
  env: Record<string, string>,
  readyPath: string,
): Promise<ServerProcess> {
  const port = await freePort();
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const child = spawn(process.execPath, [...profile, script], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', process.env.BENCH_SERVER_LOG === '1' ? 'inherit' : 'ignore', 'inherit'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${script} did not start`);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${script} exited with ${child.exitCode} before it was ready`);
    if ((await getStatus(port, readyPath)) === 200) break;
    if (Date.now() > deadline) {
      await stopProcess(child);
      throw new Error(`${script} was not ready within 120 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    pid,
    port,
    probe: () => probe(pid),
    watchPeak() {
      let peak = probe(pid).rss;
      const timer = setInterval(() => {
        try {
          peak = Math.max(peak, probe(pid).rss);
        } catch {
          // The process is gone.
        }
      }, 100);
      return () => {
        clearInterval(timer);
        try {
          peak = Math.max(peak, probe(pid).rss);
        } catch {
          // The process is gone.
        }
        return peak;
      };
    },
    stop: () => stopProcess(child),
  };
}

/** The load generator: `count` child processes, each holding a share of the sockets. */
export function startLoad(count: number) {
  const children = Array.from({ length: count }, () => Child.start('e2e/bench/load.ts'));
  return {
    children,
    /** Sends each child its own command and waits for every answer. */
    all<T extends LoadReply>(command: (index: number) => LoadCommand, answer: LoadReply['op']): Promise<T[]> {
      return Promise.all(children.map((child, index) => child.request<T>(command(index), answer)));
    },
    stop: () => Promise.all(children.map((child) => child.stop())),
  };
}
