'use client';

import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Card, CardHeader } from '@/components/ui/card';
import { useWebSocket } from '@/lib/hooks';
import { useLocale } from '@/lib/i18n/use-locale';
import type { NodeStats, StatsTotals } from '@/lib/realtime/server/hub';

type Stats = { totals: StatsTotals; nodes: NodeStats[] };

const REFRESH_MS = 3000;

/** Live connection and delivery figures of every node, read over the realtime connection (admins only). */
export function RealtimeStats() {
  const { t } = useTranslation('admin-stats');
  const { format } = useLocale();
  const { rpc, connected } = useWebSocket();
  const [stats, setStats] = useState<Stats | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!connected) return;
    let live = true;
    const load = () =>
      rpc<Stats>('admin.stats', {}, { queue: false })
        .then((next) => {
          if (!live) return;
          setStats(next);
          setFailed(false);
        })
        .catch(() => {
          if (live) setFailed(true);
        });
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [connected, rpc]);

  const number = format.number;
  const ms = (value: number | null) =>
    value === null ? '–' : Number.isFinite(value) ? t('ms', { value: number(value) }) : t('slow');
  const totals = stats?.totals;
  const figures: Array<[key: string, label: string, value: string]> = totals
    ? [
        ['connections', t('totals.connections'), number(totals.connections)],
        ['users', t('totals.users'), number(totals.users)],
        ['subscriptions', t('totals.subscriptions'), number(totals.subscriptions)],
        ['channels', t('totals.channels'), number(totals.channels)],
        ['published', t('totals.published'), number(totals.published)],
        ['delivered', t('totals.delivered'), number(totals.messagesOut)],
        ['dropped', t('totals.dropped'), number(totals.dropped)],
      ]
    : [];

  return (
    <Card data-testid="realtime-stats" className="lg:col-span-2">
      <CardHeader
        title={t('title')}
        hint={
          failed ? t('unavailable') : connected ? t('hint', { seconds: REFRESH_MS / 1000 }) : t('offline')
        }
      />
      {totals ? (
        <div className="space-y-4 px-5 py-4">
          <dl className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-7">
            {figures.map(([key, label, value]) => (
              <div key={key} className="rounded-lg bg-slate-50 px-3 py-2">
                <dt className="text-xs text-slate-500">{label}</dt>
                <dd
                  data-testid={`realtime-total-${key}`}
                  className="text-lg font-semibold tabular-nums text-slate-900"
                >
                  {value}
                </dd>
              </div>
            ))}
          </dl>
          <div className="overflow-x-auto">
            <table className="data-table" data-testid="realtime-stats-nodes">
              <thead>
                <tr>
                  <th scope="col">{t('nodes.node')}</th>
                  <th scope="col">{t('nodes.connections')}</th>
                  <th scope="col">{t('nodes.subscriptions')}</th>
                  <th scope="col">{t('nodes.delivered')}</th>
                  <th scope="col">{t('nodes.recovered')}</th>
                  <th scope="col">{t('nodes.notRecovered')}</th>
                  <th scope="col">{t('nodes.slowConsumers')}</th>
                  <th scope="col">{t('nodes.latency')}</th>
                </tr>
              </thead>
              <tbody>
                {stats.nodes.map((node) => (
                  <tr key={node.nodeId}>
                    <td className="font-mono text-xs">{node.nodeId}</td>
                    <td className="tabular-nums">{number(node.connections)}</td>
                    <td className="tabular-nums">{number(node.subscriptions)}</td>
                    <td className="tabular-nums">{number(node.delivery.messagesOut)}</td>
                    <td className="tabular-nums">{number(node.delivery.recoveries.recovered)}</td>
                    <td className="tabular-nums">
                      {number(node.delivery.recoveries.not_recovered + node.delivery.recoveries.resync)}
                    </td>
                    <td className="tabular-nums">{number(node.delivery.dropped.slow_consumer)}</td>
                    <td className="tabular-nums">
                      {t('latency', {
                        p50: ms(node.delivery.latencyP50Ms),
                        p99: ms(node.delivery.latencyP99Ms),
                      })}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : (
        <p className="px-5 py-4 text-sm text-slate-500">{t('loading')}</p>
      )}
    </Card>
  );
}
