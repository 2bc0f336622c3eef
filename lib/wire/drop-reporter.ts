import { WIRE_DROPS_PATH, type WireDropReport } from './drops';

export type DropReporter = { record(contract: string): void; flush(): void };

const FLUSH_INTERVAL_MS = 10_000;
const MAX_PER_CONTRACT = 10_000;

/**
 * Batches the browser's dropped payloads and sends them at most once per interval (a broken contract may drop every
 * event of a busy channel: one small request per ten seconds tells the server, never a request per event).
 */
export function createDropReporter(
  deps: {
    send?: (report: WireDropReport) => void;
    setTimer?: (run: () => void, ms: number) => unknown;
    intervalMs?: number;
  } = {},
): DropReporter {
  const send = deps.send ?? sendReport;
  const setTimer = deps.setTimer ?? ((run: () => void, ms: number) => setTimeout(run, ms));
  const counts = new Map<string, number>();
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (counts.size === 0) return;
    const drops = Object.fromEntries(counts);
    counts.clear();
    send({ drops });
  };
  return {
    record(contract) {
      counts.set(contract, Math.min(MAX_PER_CONTRACT, (counts.get(contract) ?? 0) + 1));
      if (scheduled) return;
      scheduled = true;
      setTimer(flush, deps.intervalMs ?? FLUSH_INTERVAL_MS);
    },
    flush,
  };
}

function sendReport(report: WireDropReport): void {
  void fetch(WIRE_DROPS_PATH, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(report),
    credentials: 'same-origin',
    keepalive: true,
  }).catch(() => {});
}
