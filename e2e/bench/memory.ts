/** Answers run.ts's probe: memory after a full GC (the process runs with --expose-gc) and CPU time used. */
export function reportMemory(): void {
  process.on('message', (message: { op?: string }) => {
    if (message.op !== 'memory') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const usage = process.memoryUsage();
    const cpu = process.cpuUsage();
    process.send?.({
      op: 'memory',
      rss: usage.rss,
      heap: usage.heapUsed + usage.external,
      cpuMicros: cpu.user + cpu.system,
    });
  });
}
