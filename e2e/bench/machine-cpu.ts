// Where a bench window's CPU went on this machine: every CPU's busy time (/proc/stat) and the time of the
// PostgreSQL and Redis server processes (/proc/<pid>/stat), so a scenario's figure comes with the share of the
// machine it used. Linux only: elsewhere (or without /proc) every reading is null and nothing is reported.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

export type MachineReading = {
  /** Busy and total CPU time of all CPUs (ms). */
  busyMs: number;
  totalMs: number;
  /** CPU time (user + system, ms) of the processes named postgres and redis-server. */
  postgresMs: number;
  redisMs: number;
};

// Linux's clock tick for /proc times (USER_HZ): 100 on every architecture Node runs on.
const TICK_MS = 10;

function processTimes(): { postgresMs: number; redisMs: number } {
  let postgresMs = 0;
  let redisMs = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // it ended while we read
    }
    // pid (comm) state ppid ... utime(14) stime(15): the name may hold spaces, so fields count after ')'.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (open < 0 || close < open) continue;
    const name = stat.slice(open + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
    if (!Number.isFinite(ms)) continue;
    if (name === 'postgres') postgresMs += ms;
    else if (name.startsWith('redis-server')) redisMs += ms;
  }
  return { postgresMs, redisMs };
}

/** The machine's counters now, or null where /proc cannot be read. */
export function readMachine(): MachineReading | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const [label, ...rest] = line.trim().split(/\s+/);
    if (label !== 'cpu') return null;
    const ticks = rest.map(Number);
    // user nice system idle iowait irq softirq steal (guest times are already inside user and nice).
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
    return { busyMs: (total - idle) * TICK_MS, totalMs: total * TICK_MS, ...processTimes() };
  } catch {
    return null;
  }
}

export type MachineCost = {
  /** Share of all CPUs busy over the window, in percent. */
  machineBusyPercent: number;
  /** Whole-machine busy CPU time per committed edit, and the part of it the database and Redis took. */
  machineCpuMsPerEdit: number;
  postgresCpuMsPerEdit: number;
  redisCpuMsPerEdit: number;
  /**
   * Edits per second this machine could commit at this cost per edit with every CPU busy: the ceiling of the
   * scenario here, whatever the number of server nodes.
   */
  machineCeilingPerSecond: number;
};

export function machineCost(
  before: MachineReading | null,
  after: MachineReading | null,
  committed: number,
): MachineCost | null {
  if (!before || !after || committed <= 0) return null;
  const total = after.totalMs - before.totalMs;
  const busy = after.busyMs - before.busyMs;
  if (total <= 0) return null;
  const per = (ms: number) => Number((ms / committed).toFixed(3));
  const cpus = os.cpus().length;
  const busyPerEdit = busy / committed;
  return {
    machineBusyPercent: Math.round((100 * busy) / total),
    machineCpuMsPerEdit: per(busy),
    postgresCpuMsPerEdit: per(after.postgresMs - before.postgresMs),
    redisCpuMsPerEdit: per(after.redisMs - before.redisMs),
    machineCeilingPerSecond: busyPerEdit > 0 ? Math.round((cpus * 1000) / busyPerEdit) : 0,
  };
}
