import { describe, expect, it } from 'vitest';
import { liveModeFor } from './use-live-mode';

const base = { realtimeEnabled: true, pollMs: 5_000, open: false, unreachable: false, sessionEnded: false };

describe('liveModeFor', () => {
  it.each([
    { name: 'live while the socket is open', input: { open: true }, polling: false, reason: null },
    { name: 'waits during the grace period', input: {}, polling: false, reason: null },
    {
      name: 'polls once the socket stays unreachable',
      input: { unreachable: true },
      polling: true,
      reason: 'unreachable',
    },
    {
      name: 'polls when realtime is off',
      input: { realtimeEnabled: false },
      polling: true,
      reason: 'disabled',
    },
    {
      name: 'never polls after the session ended',
      input: { unreachable: true, sessionEnded: true },
      polling: false,
      reason: null,
    },
  ])('$name', ({ input, polling, reason }) => {
    expect(liveModeFor({ ...base, ...input })).toMatchObject({ polling, reason });
  });
});
