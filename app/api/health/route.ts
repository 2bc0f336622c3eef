import { getServices } from '@/lib/server/services';

export const dynamic = 'force-dynamic';

/** Liveness of the database and the bus; 503 when either is down (load balancers take the node out). */
export async function GET() {
  const { database, realtime, nodeId } = getServices();
  const [databaseOk, bus] = await Promise.all([
    database.ping(),
    realtime.health().catch(() => ({ bus: 'unknown' as const, ok: false })),
  ]);
  const ok = databaseOk && bus.ok;
  return Response.json(
    {
      status: ok ? 'ok' : 'degraded',
      node: nodeId,
      database: { kind: database.kind, ok: databaseOk },
      bus: { kind: bus.bus, ok: bus.ok },
    },
    { status: ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
