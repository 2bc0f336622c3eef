/**
 * Cluster-wide Pusher state: subscription counts per channel (occupied / vacated), presence members counted per
 * user (member_added / member_removed exactly once however many connections and nodes), and connections per app.
 * Every transition is decided atomically by the store, so exactly one node sees it and reports it.
 */
export type Orphans = {
  appId: string;
  /** Channels whose last subscriber was on a node that died. */
  vacated: string[];
  /** Members whose last connection was on a node that died. */
  removed: { channel: string; userId: string }[];
};

export interface PusherState {
  readonly kind: 'memory' | 'redis';
  /** Returns the channel's subscription count after adding one (1 means it just became occupied). */
  addSubscription(appId: string, channel: string): Promise<number>;
  /** Returns the count after removing one (0 means it was just vacated; -1 that nothing was counted). */
  removeSubscription(appId: string, channel: string): Promise<number>;
  /**
   * Returns the user's connection count on the channel after adding one (1 means member_added), or 'full' (and
   * changes nothing) when the user is not a member yet and the channel already has `maxMembers` members.
   */
  addMember(
    appId: string,
    channel: string,
    userId: string,
    userInfo: unknown,
    maxMembers?: number,
  ): Promise<number | 'full'>;
  /** Returns the user's count after removing one (0 means member_removed; -1 that nothing was counted). */
  removeMember(appId: string, channel: string, userId: string): Promise<number>;
  /**
   * Replaces a present member's user_info (the user was renamed or their role changed); true when the member is
   * there and the info differed, so exactly one caller across nodes announces the change.
   */
  updateMember(appId: string, channel: string, userId: string, userInfo: unknown): Promise<boolean>;
  /** Members of a presence channel: user id → user_info. */
  members(appId: string, channel: string): Promise<Map<string, unknown>>;
  memberCount(appId: string, channel: string): Promise<number>;
  isMember(appId: string, channel: string, userId: string): Promise<boolean>;
  subscriptionCount(appId: string, channel: string): Promise<number>;
  /** Occupied channels with their subscription counts. */
  channels(appId: string): Promise<Map<string, number>>;
  /** Connections of the app across nodes after adding (or removing) one. */
  addConnection(appId: string): Promise<number>;
  removeConnection(appId: string): Promise<number>;
  /** Called with what dead nodes left behind, once per dead node, on exactly one surviving node. */
  onOrphans(handler: (orphans: Orphans) => void): void;
  close(): Promise<void>;
}
