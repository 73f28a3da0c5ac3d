import type { ServerEvent } from '@confab/protocol';

/**
 * Fan-out between the services that emit events and the gateways that hold sockets, possibly on
 * other nodes. Topics are `conv:<conversationId>` and `user:<userId>`; a node subscribes only to
 * the topics its connected users need. Delivery is at most once: resume (docs/realtime.md) covers
 * anything a bus drops.
 */
export interface EventBus {
  /**
   * True when a publish reaches every subscriber in this process for certain (a function call:
   * the single-process bus). The live check then trusts the positions this node published itself
   * (ws/live-check.ts). A broker in between, which may drop, makes it false.
   */
  readonly lossless: boolean;
  /**
   * Delivers `event` to every subscriber of each topic, in the order of the calls per topic (a
   * caller need not wait for one publish to make the next). Never rejects
   * and never waits on an unreachable broker: the event is already committed, so one the bus
   * cannot hand on is dropped (and counted), and resume recovers it. `frame`, when given, is
   * `JSON.stringify(event)` already made (a logged event's, as stored): it is not made again.
   */
  publish(topics: readonly string[], event: BusEvent, frame?: string): Promise<void>;
  /**
   * One handler per topic per node: the gateway fans out to its sockets itself. The topic decides
   * what its events are: `SESSIONS_TOPIC` carries `SessionRevokedNotice`s, every other topic
   * `ServerEvent`s.
   */
  subscribe<E extends BusEvent = ServerEvent>(topic: string, handler: BusHandler<E>): Promise<void>;
  /**
   * `subscribe` for several topics with one handler, settling once every one is held: a resume
   * subscribes the user's conversations at once, one promise rather than one per topic.
   */
  subscribeAll<E extends BusEvent = ServerEvent>(topics: readonly string[], handler: BusHandler<E>): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  /** `unsubscribe` for several topics: a closed socket lets its conversations go at once. */
  unsubscribeAll(topics: readonly string[]): Promise<void>;
  /**
   * `listener` runs whenever events may have been dropped: after the bus (re)connects following a
   * loss, with every held topic subscribed again. Consumers then catch up from storage. A
   * single-process bus never drops events and never calls it.
   */
  onResync(listener: () => void): void;
  /** Resolves when the bus can deliver; rejects when it cannot (`GET /readyz`). */
  ping(): Promise<void>;
  /** Idempotent. */
  close(): Promise<void>;
}

/** News for the nodes themselves, never sent to a client: a session ended (logout, replayed refresh token). */
export interface SessionRevokedNotice {
  type: 'session.revoked';
  sessionId: string;
  userId: string;
  revokedAt: number;
}
// ---- issue 35: two-sided blocks, deactivated accounts (news on the `cluster` topic) ----
/** News for the nodes: a block changed. Both ids: the blocked user's sockets stop seeing the blocker too. */
export interface BlockChangedNotice {
  type: 'block.changed';
  blockerId: string;
  blockedId: string;
  blocked: boolean;
}
/** News for the nodes: an admin deactivated or reactivated an account (their caches of it are dropped). */
export interface AccountStateNotice {
  type: 'account.state';
  userId: string;
  deactivated: boolean;
}
/** News for the nodes (issue 40): an admin's decision trained the spam model; every node reads it again and forgets the sender's standing. */
export interface SpamTrainedNotice {
  type: 'assist.spam-trained';
  senderId: string;
}
/** What the `cluster` topic carries besides client events (which its consumers ignore by `type`). */
export type ClusterNotice = BlockChangedNotice | AccountStateNotice | SpamTrainedNotice;
export type BusEvent = ServerEvent | SessionRevokedNotice | ClusterNotice;

/** An event as delivered: parsed, and its wire frame serialised exactly once. */
export interface BusMessage<E extends BusEvent = ServerEvent> {
  topic: string;
  event: E;
  frame: string;
  /** The frame as bytes, made by the first socket that needs them and shared by the rest. */
  bytes?: Buffer;
}
export type BusHandler<E extends BusEvent = ServerEvent> = (message: BusMessage<E>) => void;

/** Every node subscribes: news every node must hear (membership changes, for its cache). */
export const CLUSTER_TOPIC = 'cluster';
/** Every node subscribes: ended sessions, whose tokens and sockets every node must refuse. */
export const SESSIONS_TOPIC = 'sessions';
export const conversationTopic = (conversationId: string) => `conv:${conversationId}`;
export const userTopic = (userId: string) => `user:${userId}`;
