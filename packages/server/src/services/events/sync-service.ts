import { type EventPage, type Heads, type PositionedEvent, type SyncReset, type SyncResponse, encodeSyncCursor } from '@confab/protocol';
import type { TopicSubscriber } from '../../bus/topic-hub.js';
import { AppError, detail } from '../../errors.js';
import type { Store, StreamHead } from '../../store/store.js';
import { batchedReads, sharedRead } from '../../infra/batching.js';
import DataLoader from 'dataloader';
import { EventWaits } from './event-waits.js';
import type { MembershipCache } from '../conversations/membership.js';

/** A long-poll: the events after `since`, waiting up to `timeoutMs` for one when there are none yet. */
export interface PollRequest {
  since: string | undefined;
  timeoutMs: number;
  limit: number;
  /** True once the client has gone away: stop waiting. */
  abandoned: () => boolean;
}

/** Where a reader's stream starts: after `after`, and why its cursor could not be used, if so. */
export interface StreamStart {
  epoch: string;
  after: number;
  reset: SyncReset;
}

export { encodeSyncCursor };

export function parseSyncCursor(cursor: string): { epoch: string; pos: number } | null {
  const match = /^([0-9a-f]{1,32})\.(\d{1,15})$/.exec(cursor);
  return match ? { epoch: match[1]!, pos: Number(match[2]) } : null;
}

/**
 * Reading the event log: where a resuming reader starts, replay of what it missed, one
 * conversation's events (gap fill), and the conversation heads a client compares against.
 * Shared by the WebSocket gateway and the long-poll `GET /api/v1/sync`, whose waiting it owns.
 */
export class SyncService {
  private readonly waits: EventWaits;

  constructor(
    private readonly store: Store,
    private readonly membership: MembershipCache,
    bus: TopicSubscriber,
  ) {
    this.waits = new EventWaits(bus, async (userId) => (await store.conversations.listConversationIds([userId])).get(userId) ?? []);
  }

  /** The log's head; the reads of sockets resuming together are one query. */
  readonly head: () => Promise<StreamHead> = sharedRead(() => this.store.events.streamHead());
  /** Each user's conversation heads, batched the same way. */
  private readonly headsOf = batchedReads(
    (ids) => this.store.events.conversationHeads(ids),
    () => new Map<string, number>(),
  );

  /**
   * Each user's heads past their own cursor, batched the same way: the batch asks the store for
   * the heads past the lowest of its cursors (sockets resuming together hold recent ones) and each
   * caller keeps those past its own.
   */
  private readonly headsAfterOf = new DataLoader<{ userId: string; after: number }, Map<string, number>, string>(
    async (keys) => {
      const found = await this.store.events.conversationHeads(
        keys.map((k) => k.userId),
        Math.min(...keys.map((k) => k.after)),
      );
      return keys.map(({ userId, after }) => new Map([...(found.get(userId) ?? [])].filter(([, pos]) => pos > after)));
    },
    { cache: false, cacheKeyFn: ({ userId, after }) => `${userId} ${after}` },
  );

  /** Which conversations had events in (after, upTo], with the newest position of each. */
  conversationHeadsBetween(after: number, upTo: number): Promise<Map<string, number>> {
    return this.store.events.conversationHeadsBetween(after, upTo);
  }

  /** `pos` of the conversation's newest event. */
  async conversationHead(conversationId: string): Promise<number> {
    return (await this.store.conversations.getConversation(conversationId))?.lastPos ?? 0;
  }

  /** Resolves a client's `since` cursor against the log: resume after it, or say why not and start at the head. */
  async start(since: string | undefined): Promise<StreamStart> {
    const head = await this.head();
    if (since === undefined) return { epoch: head.epoch, after: head.pos, reset: null };
    const cursor = parseSyncCursor(since);
    if (!cursor) return { epoch: head.epoch, after: head.pos, reset: 'invalid' };
    // A cursor past the head points into a history this database never had (a restored backup).
    if (cursor.epoch !== head.epoch || cursor.pos > head.pos) return { epoch: head.epoch, after: head.pos, reset: 'epoch_mismatch' };
    if (cursor.pos < head.floor) return { epoch: head.epoch, after: head.pos, reset: 'expired' };
    return { epoch: head.epoch, after: cursor.pos, reset: null };
  }

  /** The user's events after `after`, oldest first, at most `limit`. */
  async read(userId: string, after: number, limit: number): Promise<PositionedEvent[]> {
    return (await this.store.events.readUserEvents(userId, after, limit)).map((e) => e.event);
  }

  /** The same, as the JSON frames stored (replay to a socket sends them as they are). */
  async readFrames(userId: string, after: number, limit: number): Promise<{ pos: number; frame: string }[]> {
    return (await this.store.events.readUserEvents(userId, after, limit)).map(({ pos, frame }) => ({ pos, frame }));
  }

  /**
   * The long-poll: the user's events after `since` as soon as there is one, or none once the
   * timeout has passed. A wake-up from the bus only says "look again": the answer is always read
   * from the log, so a lost or early wake-up costs a read, never an event.
   */
  async poll(userId: string, request: PollRequest): Promise<SyncResponse> {
    const start = await this.start(request.since);
    const respond = (events: PositionedEvent[]): SyncResponse => ({
      events,
      cursor: encodeSyncCursor(start.epoch, events.at(-1)?.pos ?? start.after),
      reset: start.reset,
    });
    if (request.since === undefined || start.reset !== null) return respond([]);
    const events = await this.read(userId, start.after, request.limit);
    if (events.length > 0 || request.timeoutMs === 0) return respond(events);
    // The log is read again once subscribed: an event committed before that would wake nobody.
    const deadline = Date.now() + request.timeoutMs;
    while (Date.now() < deadline && !request.abandoned()) {
      let fresh: PositionedEvent[] = [];
      const found = async () => (fresh = await this.read(userId, start.after, request.limit)).length > 0;
      await this.waits.wait(userId, Math.min(deadline - Date.now(), 5000), found);
      if (fresh.length > 0 || (await found())) return respond(fresh);
    }
    return respond([]);
  }

  /** Shutdown: waiting long-polls answer 503 and new ones are refused. */
  stopWaiting(): void {
    this.waits.stop();
  }

  /** One conversation's events after `after`, as the JSON frames stored: the gateway fills a socket's gap with them. */
  async conversationFrames(conversationId: string, after: number, limit: number): Promise<{ event: PositionedEvent; frame: string }[]> {
    return (await this.store.events.readConversationEvents(conversationId, after, limit)).map(({ event, frame }) => ({ event, frame }));
  }

  /** One conversation's events after `after` (gap fill). A position already pruned is `cursor_expired`. */
  async conversationEvents(userId: string, conversationId: string, after: number, limit: number): Promise<EventPage> {
    // My own id names my private stream (isPrivateEvent); anything else must be my conversation.
    if (conversationId !== userId) await this.membership.requireRole(conversationId, userId);
    const head = await this.head();
    if (after < head.floor) {
      throw new AppError('cursor_expired', 'Events this old are no longer kept: fetch the conversation and its messages again', [
        detail('', `the oldest position kept is ${head.floor}`, { floor: head.floor }),
      ]);
    }
    const rows = await this.store.events.readConversationEvents(conversationId, after, limit + 1);
    return { events: rows.slice(0, limit).map((e) => e.event), more: rows.length > limit };
  }

  /** The user's heads: their conversations' and their private stream's newest positions. */
  async heads(userId: string): Promise<Heads> {
    return Object.fromEntries(await this.headsOf.load(userId));
  }

  /** The user's heads past `after` (what moved since a cursor), filtered by the store, not here. */
  async headsAfter(userId: string, after: number): Promise<Heads> {
    return Object.fromEntries(await this.headsAfterOf.load({ userId, after }));
  }

  /** Drops events older than the replay window; cursors below what remains get `expired`. */
  prune(retentionMs: number): Promise<number> {
    return this.store.events.pruneEvents(Date.now() - retentionMs);
  }
}
