'use client';

import { ActivityFeed } from '@/components/realtime/activity-feed';
import type { RealtimeUser } from '@/lib/hooks';
import { OnlineNow } from './online-now';
import { RealtimeBoundary } from './realtime-boundary';

/** The dashboard's live row: the activity feed and who is online. */
export function DashboardLive({ user }: { user: RealtimeUser }) {
  return (
    <RealtimeBoundary user={user}>
      <div className="mt-6 grid items-start gap-6 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <ActivityFeed />
        <OnlineNow />
      </div>
    </RealtimeBoundary>
  );
}
