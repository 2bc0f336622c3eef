import type { ReactNode } from 'react';
import { MessagingBridge } from '@/components/messaging/messaging-bridge';
import { ConnectionStatus, PresenceIndicator } from '@/components/realtime';
import { AppShell } from '@/components/shell/app-shell';
import { requireUser } from '@/lib/auth/current-user';
import { LiveProvider } from '@/lib/live/live-provider';
import { getServices } from '@/lib/server/services';

/** Seconds between refetches while live updates are unavailable. */
const POLL_SECONDS = 5;

/** Every page in this group needs a signed-in user; the shell shows who it is. */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  // Read at request time, so the running server's REALTIME_ENABLED decides (not a build-time variable).
  const realtimeEnabled = getServices().env.REALTIME_ENABLED;
  return (
    <AppShell
      user={user}
      realtimeSlot={
        realtimeEnabled ? (
          <>
            {/* The others: the signed-in person has their own avatar (the sidebar's card, the phone's top bar). */}
            <PresenceIndicator maxDisplay={5} compact hideSelf />
            <ConnectionStatus />
          </>
        ) : null
      }
    >
      <LiveProvider
        settings={{ realtimeEnabled, pollSeconds: POLL_SECONDS }}
        user={{ id: user.id, name: user.name, role: user.role }}
      >
        {/* App-wide: acknowledges delivery of messages and toasts new ones on every page, not only Messages. */}
        <MessagingBridge userId={user.id}>{children}</MessagingBridge>
      </LiveProvider>
    </AppShell>
  );
}
