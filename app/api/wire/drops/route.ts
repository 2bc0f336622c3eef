import { withEdge } from '@/lib/http/edge';
import { readJson } from '@/lib/messaging/api/handler';
import { getServices } from '@/lib/server/services';
import { wireDropReport } from '@/lib/wire/drops';

export const dynamic = 'force-dynamic';

/** POST /api/wire/drops `{drops: {contract: count}}` — payloads this browser dropped at its edge (lib/wire). */
export async function POST(request: Request) {
  return withEdge(request, async () => {
    const body = await readJson(request, (v) => wireDropReport.safeParse(v), 8 * 1024);
    if (!body.ok) return body.response;
    const { metrics } = getServices().realtime.hub;
    for (const [contract, count] of Object.entries(body.value.drops)) metrics.clientDropped(contract, count);
    return new Response(null, { status: 204, headers: { 'cache-control': 'no-store' } });
  });
}
