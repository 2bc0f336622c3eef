import type { PresenceStatus } from '../realtime/protocol/messages';

/** What this tab knows about its own user's presence. */
export type SelfPresence = {
  /** What the user chose (online or busy; offline means "appear offline"). */
  chosen: PresenceStatus;
  hidden: boolean;
  idle: boolean;
};

/** The status others see, by the server's rule: an explicit busy/offline wins; a hidden or idle tab is away. */
export function effectiveStatus(self: SelfPresence): PresenceStatus {
  if (self.chosen === 'busy' || self.chosen === 'offline') return self.chosen;
  return self.hidden || self.idle ? 'away' : self.chosen;
}
