import { type CloseEntry, closeCodes, closeEntryFor } from '../protocol/codes';

/** Why a connection ended for good (no more automatic attempts). */
export type CloseReason =
  | { kind: 'client' }
  | { kind: 'server'; code: number; entry?: CloseEntry }
  /**
   * The server has no session for this tab: never signed in, signed out elsewhere, the user removed
   * (`unauthorized`, 4001), the session ran out (`sessionExpired`, 4014), an admin signed the user out everywhere
   * (`sessionRevoked`, 4015) or deactivated the account (`deactivated`, 4016). Only signing in again helps.
   */
  | { kind: 'session-ended'; code: number; entry: CloseEntry; expired: boolean }
  | { kind: 'gave-up'; attempts: number };

/** 'unauthorized' | 'expired' when the connection ended because the session did, else null. */
export function sessionEnded(state: ConnectionState): 'unauthorized' | 'expired' | null {
  if (state.status !== 'closed' || state.reason.kind !== 'session-ended') return null;
  return state.reason.expired ? 'expired' : 'unauthorized';
}

const sessionCodes: readonly number[] = [
  closeCodes.unauthorized.code,
  closeCodes.sessionExpired.code,
  closeCodes.sessionRevoked.code,
  closeCodes.deactivated.code,
];

function finalReason(code: number, entry: CloseEntry | undefined): CloseReason {
  const expired = code === closeCodes.sessionExpired.code;
  if (sessionCodes.includes(code))
    return { kind: 'session-ended', code, entry: entry ?? closeCodes.unauthorized, expired };
  return { kind: 'server', code, entry };
}

/** The phases of a client connection; exactly one at a time. */
export type ConnectionState =
  | { status: 'idle' }
  /** attempt 0 is the first connect (or the first after coming back online); n is the nth retry. */
  | { status: 'connecting'; attempt: number }
  | { status: 'open'; connectionId: string; nodeId: string; openedAt: number }
  | { status: 'reconnecting'; attempt: number; nextAttemptAt: number; lastCode?: number }
  | { status: 'offline' }
  | { status: 'closed'; reason: CloseReason };

export type ConnectionStatus = ConnectionState['status'];

export type StateInput =
  | { type: 'connect' }
  | { type: 'welcome'; connectionId: string; nodeId: string }
  /** The socket ended (closed by the server or the network, failed to open, or declared dead by the heartbeat). */
  | { type: 'socket-lost'; code: number }
  | { type: 'retry-due' }
  | { type: 'network-offline' }
  | { type: 'network-online' }
  | { type: 'disconnect' };

export type TransitionContext = {
  now: number;
  online: boolean;
  reconnect: boolean;
  maxReconnectAttempts: number;
  /** The back-off delay before retry number `attempt` (1-based). */
  delay(attempt: number): number;
};

/**
 * The whole connection life cycle as one pure function. The client performs the side effects of entering a state
 * (open a socket, arm a timer, tear down) after each transition; inputs that make no sense in a state leave it as is.
 */
export function transition(
  state: ConnectionState,
  input: StateInput,
  ctx: TransitionContext,
): ConnectionState {
  switch (input.type) {
    case 'disconnect':
      return state.status === 'closed' ? state : { status: 'closed', reason: { kind: 'client' } };
    case 'connect':
      if (state.status === 'idle' || state.status === 'closed')
        return ctx.online ? { status: 'connecting', attempt: 0 } : { status: 'offline' };
      if (state.status === 'reconnecting') return { status: 'connecting', attempt: state.attempt };
      return state;
    case 'welcome':
      return state.status === 'connecting'
        ? { status: 'open', connectionId: input.connectionId, nodeId: input.nodeId, openedAt: ctx.now }
        : state;
    case 'socket-lost': {
      if (state.status !== 'connecting' && state.status !== 'open') return state;
      const entry = closeEntryFor(input.code);
      if ((entry && !entry.retry) || !ctx.reconnect)
        return { status: 'closed', reason: finalReason(input.code, entry) };
      if (!ctx.online) return { status: 'offline' };
      const attempt = (state.status === 'connecting' ? state.attempt : 0) + 1;
      if (attempt > ctx.maxReconnectAttempts)
        return { status: 'closed', reason: { kind: 'gave-up', attempts: attempt - 1 } };
      return {
        status: 'reconnecting',
        attempt,
        nextAttemptAt: ctx.now + ctx.delay(attempt),
        lastCode: input.code,
      };
    }
    case 'retry-due':
      return state.status === 'reconnecting' ? { status: 'connecting', attempt: state.attempt } : state;
    case 'network-offline':
      return state.status === 'idle' || state.status === 'closed' || state.status === 'offline'
        ? state
        : { status: 'offline' };
    case 'network-online':
      if (state.status === 'offline') return { status: 'connecting', attempt: 0 };
      if (state.status === 'reconnecting') return { status: 'connecting', attempt: state.attempt };
      return state;
    default: {
      const unreachable: never = input;
      return unreachable;
    }
  }
}
