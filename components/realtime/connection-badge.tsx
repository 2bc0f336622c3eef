'use client';

import { useTranslation } from 'react-i18next';
import { type ConnectionQuality, type ConnectionState, qualityOf } from '@/lib/realtime/client';
import { closeEntryFor } from '@/lib/realtime/protocol/codes';

export type ConnectionBadgeProps = {
  state: ConnectionState;
  /** The rolling median of heartbeat round trips (ms), shown as a quality level; the figure is in the tooltip. */
  latency: number | null;
  queued: number;
  /** The current time, for the reconnect countdown. */
  now: number;
  onRetry?: () => void;
  /** Where "Sign in again" leads once the session has ended (default: the sign-in page). */
  signInHref?: string;
  compact?: boolean;
  className?: string;
};

const tones = {
  ok: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  wait: 'bg-amber-50 text-amber-900 ring-amber-200',
  down: 'bg-rose-50 text-rose-800 ring-rose-200',
  idle: 'bg-slate-100 text-slate-700 ring-slate-200',
} as const;

const dots = {
  ok: 'bg-emerald-500',
  wait: 'bg-amber-500 motion-safe:animate-pulse',
  down: 'bg-rose-500',
  idle: 'bg-slate-400',
};

/**
 * The connection as a small status badge (the view; ConnectionStatus feeds it from the live store). A session that
 * ended (close 4001/4014) shows "Session ended" with a sign-in link instead of "Reconnect now".
 */
export function ConnectionBadge({
  state,
  latency,
  queued,
  now,
  onRetry,
  signInHref = '/sign-in',
  compact,
  className = '',
}: ConnectionBadgeProps) {
  const { t } = useTranslation('realtime');
  let tone: keyof typeof tones = 'idle';
  let text = t('connection.idle');
  let detail: string | undefined;
  let quality: ConnectionQuality | null = null;
  switch (state.status) {
    case 'open':
      tone = 'ok';
      text = t('connection.connected');
      quality = qualityOf(latency);
      if (quality && latency !== null)
        detail = t('connection.qualityDetail', {
          quality: t(`connection.quality.${quality}`),
          ms: Math.round(latency),
        });
      break;
    case 'connecting':
      tone = 'wait';
      text = state.attempt === 0 ? t('connection.connecting') : t('connection.reconnectingNow');
      break;
    case 'reconnecting': {
      tone = 'wait';
      const seconds = Math.max(0, Math.ceil((state.nextAttemptAt - now) / 1000));
      text = seconds > 0 ? t('connection.reconnectingIn', { seconds }) : t('connection.reconnectingNow');
      break;
    }
    case 'offline':
      tone = 'down';
      text = t('connection.offline');
      break;
    case 'closed':
      tone = 'down';
      text = t('connection.closed');
      if (state.reason.kind === 'session-ended') {
        text = t('connection.sessionEnded');
        detail = t(state.reason.entry.i18n as 'close.normal');
      } else if (state.reason.kind === 'server') {
        const entry = state.reason.entry ?? closeEntryFor(state.reason.code);
        if (entry) detail = t(entry.i18n as 'close.normal');
      }
      break;
    case 'idle':
      break;
  }
  const queuedText =
    queued > 0 && state.status !== 'open' ? t('connection.queued', { count: queued }) : undefined;
  const title = [
    text,
    detail,
    queuedText,
    state.status === 'offline' ? t('connection.offlineDetail') : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
  const ended = state.status === 'closed' && state.reason.kind === 'session-ended';
  // Reconnecting cannot help without a session: the way out is signing in again.
  const canRetry = onRetry && !ended && (state.status === 'reconnecting' || state.status === 'closed');

  return (
    <span
      role="status"
      aria-live="polite"
      title={title}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${tones[tone]} ${className}`}
      data-status={state.status}
      data-testid="connection-status"
    >
      <span aria-hidden className={`size-2 rounded-full ${dots[tone]}`} />
      {/* On a phone a working connection is the dot and the bars; any other state says what it is. */}
      <span className={compact ? 'sr-only' : tone === 'ok' ? 'sr-only sm:not-sr-only' : undefined}>
        {text}
      </span>
      {quality && (
        <SignalBars quality={quality} label={t(`connection.quality.${quality}`)} compact={compact} />
      )}
      {queuedText && <span className="tabular">{queuedText}</span>}
      {ended && (
        <a
          href={signInHref}
          data-testid="connection-sign-in"
          className="ml-0.5 underline underline-offset-2 hover:no-underline"
        >
          {t('connection.signInAgain')}
        </a>
      )}
      {canRetry && (
        <button
          type="button"
          onClick={onRetry}
          className="ml-0.5 underline underline-offset-2 hover:no-underline"
        >
          {t('connection.retry')}
        </button>
      )}
    </span>
  );
}

const filled: Record<ConnectionQuality, number> = { good: 3, fair: 2, poor: 1 };
const barTone: Record<ConnectionQuality, string> = {
  good: 'bg-emerald-600',
  fair: 'bg-amber-500',
  poor: 'bg-rose-500',
};

/** Three bars like a phone's signal: a level people read at a glance, steadier than a millisecond figure. */
function SignalBars({
  quality,
  label,
  compact,
}: {
  quality: ConnectionQuality;
  label: string;
  compact?: boolean;
}) {
  return (
    <span className="inline-flex items-center gap-1" data-testid="connection-quality" data-quality={quality}>
      <span aria-hidden className="inline-flex h-2.5 items-end gap-px">
        {[1, 2, 3].map((bar) => (
          <span
            key={bar}
            className={`w-[3px] rounded-sm ${bar <= filled[quality] ? barTone[quality] : 'bg-slate-300'}`}
            style={{ height: `${bar * 33}%` }}
          />
        ))}
      </span>
      <span className={compact ? 'sr-only' : 'sr-only sm:not-sr-only'}>{label}</span>
    </span>
  );
}
