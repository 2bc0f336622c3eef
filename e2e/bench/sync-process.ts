// Starts sync-server.ts nodes as child processes (normal priority) and reads their CPU time and SQL counts.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { z } from 'zod';

/**
 * The node as production runs it: sync-server.ts bundled as `npm start`'s server is (esbuild, ESM, packages left to
 * node_modules), run by plain Node with no loader. Under tsx every closure the server makes would also pay the
 * transform's name helper, and the loader's hooks would sit in the process measured. Built once per bench run.
 */
let bundled: Promise<string> | undefined;
function bundleServer(): Promise<string> {
  bundled ??= (async () => {
    const outfile = fileURLToPath(new URL('../../dist/bench/sync-server.mjs', import.meta.url));
    await build({
      entryPoints: [fileURLToPath(new URL('./sync-server.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile,
      logLevel: 'warning',
    });
    return outfile;
  })();
  return bundled;
}

const readyMessage = z.object({
  op: z.literal('ready'),
  port: z.number().int().positive(),
  nodeId: z.string(),
});
const statsMessage = z.object({
  op: z.literal('stats'),
  cpuMicros: z.number().nonnegative(),
  statements: z.number().int().nonnegative(),
  transactions: z.number().int().nonnegative(),
  byKind: z.record(z.string(), z.number().int().nonnegative()),
});
export type ServerStats = Omit<z.infer<typeof statsMessage>, 'op'>;

/** Every node still running, stopped by `stopAllNodes` when the bench fails or is interrupted. */
const live = new Set<SyncNode>();

export class SyncNode {
  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly nodeId: string,
  ) {}

  static async start(env: Record<string, string>): Promise<SyncNode> {
    const script = await bundleServer();
    // SYNC_BENCH_PROFILE=<dir>: each node writes a V8 CPU profile there when it stops (node --cpu-prof).
    const profile = process.env.SYNC_BENCH_PROFILE;
    const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [];
    const child = spawn(process.execPath, [...flags, script], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<z.infer<typeof readyMessage>>((resolve, reject) => {
      const onExit = (code: number | null) =>
        reject(new Error(`sync server exited with ${code} before ready`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.on('message', function onMessage(message: unknown) {
        const parsed = readyMessage.safeParse(message);
        if (!parsed.success) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(parsed.data);
      });
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });
    const node = new SyncNode(child, ready.port, ready.nodeId);
    live.add(node);
    return node;
  }

  /** CPU time (user + system) and statements counted since the process started. */
  stats(): Promise<ServerStats> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`sync server exited with ${code}`));
      const onMessage = (message: unknown) => {
        const parsed = statsMessage.safeParse(message);
        if (!parsed.success) return;
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
        const { op: _op, ...stats } = parsed.data;
        resolve(stats);
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
      this.child.send({ op: 'stats' });
    });
  }

  async stop(): Promise<void> {
    live.delete(this);
    const child = this.child;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

export async function stopAllNodes(): Promise<void> {
  await Promise.all([...live].map((node) => node.stop()));
}

/** The difference of two readings of one or more nodes (summed), per committed edit. */
export function serverCost(before: ServerStats[], after: ServerStats[], committed: number) {
  const sum = (list: ServerStats[], pick: (s: ServerStats) => number) =>
    list.reduce((n, s) => n + pick(s), 0);
  const delta = (pick: (s: ServerStats) => number) => sum(after, pick) - sum(before, pick);
  const byKind: Record<string, number> = {};
  for (const [i, stats] of after.entries()) {
    for (const [kind, n] of Object.entries(stats.byKind)) {
      const d = n - (before[i]?.byKind[kind] ?? 0);
      if (d > 0) byKind[kind] = (byKind[kind] ?? 0) + d;
    }
  }
  const per = (n: number, digits: number) => Number((n / Math.max(1, committed)).toFixed(digits));
  return {
    serverCpuMsPerEdit: per(delta((s) => s.cpuMicros) / 1000, 3),
    /** Each node's own CPU per committed edit (of all nodes), in node order. */
    nodeCpuMsPerEdit: after.map((s, i) => per((s.cpuMicros - (before[i]?.cpuMicros ?? 0)) / 1000, 3)),
    statementsPerEdit: per(
      delta((s) => s.statements),
      2,
    ),
    transactionsPerEdit: per(
      delta((s) => s.transactions),
      2,
    ),
    statementsByKind: byKind,
  };
}
