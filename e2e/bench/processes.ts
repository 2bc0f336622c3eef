import { type ChildProcess, spawn } from 'node:child_process';
import os from 'node:os';
import type { LoadCommand, LoadReply } from './load';

/** A child process spoken to over IPC with request/answer pairs (one outstanding request at a time). */
export class Child {
  private constructor(readonly process: ChildProcess) {}

  static start(script: string, env: Record<string, string> = {}, flags: string[] = []): Child {
    const child = spawn(process.execPath, [...flags, '--import', 'tsx', script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    boost(child.pid);
    return new Child(child);
  }

  request<T>(message: unknown, answer: string): Promise<T> {
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
      if (message !== null) this.process.send(message as object);
    });
  }

  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise((resolve) => this.process.once('exit', resolve));
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

export async function startServerChild(script: string, env: Record<string, string>) {
  // BENCH_PROFILE=<dir> writes a CPU profile of each server run there.
  const profile = process.env.BENCH_PROFILE
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
    : [];
  const child = Child.start(script, env, ['--expose-gc', ...profile]);
  const { port } = await child.request<{ port: number }>(null, 'ready');
  return {
    child,
    port,
    memory: () => child.request<{ rss: number; heap: number; cpuMicros: number }>({ op: 'memory' }, 'memory'),
  };
}

export function startLoad() {
  const child = Child.start('e2e/bench/load.ts');
  const send = <T extends LoadReply>(command: LoadCommand, answer: LoadReply['op']) =>
    child.request<T>(command, answer);
  return { child, send };
}

/**
 * Raises the priority of the benchmark's processes when allowed (root), so other work on a shared machine disturbs
 * the measured servers less; both servers get the same treatment. Without the permission it does nothing.
 */
export function boost(pid: number | undefined): void {
  try {
    os.setPriority(pid ?? 0, -10);
  } catch {
    // Not permitted: run at normal priority.
  }
}
