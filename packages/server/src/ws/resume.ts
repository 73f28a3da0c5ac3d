import type { Duplex } from 'node:stream';
import { CLOSE_CODES, type Heads } from '@confab/protocol';
import type { Logger } from 'pino';
import { conversationTopic, userTopic } from '../bus/bus.js';
import type { TopicRegistry } from '../bus/topic-registry.js';
import { AppError } from '../errors.js';
import type { BlockService } from '../services/conversations/block-service.js';
import type { ConversationService } from '../services/conversations/conversation-service.js';
import { type StreamStart, type SyncService, encodeSyncCursor } from '../services/events/sync-service.js';
import type { Connection } from './connection.js';
import type { FanOut } from './fan-out.js';
import type { ResumeRequest } from './handshake.js';

export interface ResumeDeps {
  conversations: ConversationService;
  blocks: BlockService;
  sync: SyncService;
  logger: Logger;
}

/**
 * Brings a new socket up to date, then live, with no gap and no duplicate at the seam:
 * subscribe first (live events wait in `pending`), replay the log after the client's cursor,
 * send `ready` with the new cursor, then release the waiting events not already replayed.
 */
export class Resume {
  constructor(
    private readonly deps: ResumeDeps,
    private readonly topics: TopicRegistry<Connection>,
    private readonly fanOut: FanOut,
  ) {}

  /** True once the socket is live; false when it closed first or could not be set up (it is then closed). */
  async start(connection: Connection, { since, heads }: ResumeRequest): Promise<boolean> {
    const { sync } = this.deps;
    try {
      await this.topics.add(connection, userTopic(connection.userId));
      // Read once subscribed: a `block.updated` or a join from now on waits in `pending` and
      // applies after. The two reads side by side: one wait for both (each is batched per slice).
      const [blocked, blockedBy, conversationIds] = await Promise.all([
        this.deps.blocks.blockedIds(connection.userId),
        this.deps.blocks.blockerIds(connection.userId),
        this.deps.conversations.conversationIdsOf(connection.userId),
      ]);
      connection.blocked = blocked;
      // Blocks by others heard meanwhile (the gateway's `block.changed` listener) apply after the read, in order.
      connection.blockedBy = blockedBy;
      for (const [id, on] of connection.blockedByNews ?? []) setMember(connection.blockedBy, id, on);
      connection.blockedByNews = null;
      // Subscribed together: over Redis, one round trip for all, and one promise rather than one each.
      await this.topics.addAll(connection, conversationIds.map(conversationTopic));
      const start = await sync.start(since);
      // The replay and `ready` leave in one write call rather than one per frame.
      const raw = rawSocket(connection);
      raw?.cork();
      try {
        const resumed = start.reset === null && since !== undefined;
        const cursorPos = resumed ? await this.replay(connection, start) : start.after;
        if (connection.closed) return false;
        connection.order.floor = cursorPos;
        connection.send({
          type: 'ready',
          userId: connection.userId,
          connectionId: connection.id,
          cursor: encodeSyncCursor(start.epoch, cursorPos),
          reset: start.reset,
          heads: await this.headsFor(connection.userId, resumed && heads === 'moved' ? start.after : 0),
        });
        const pending = connection.pending ?? [];
        connection.pending = null;
        for (const message of pending) this.fanOut.deliverTo(connection, message);
      } finally {
        raw?.uncork();
      }
      return !connection.closed;
    } catch (error) {
      // A store outage is temporary: 1013 tells the client to come back (it resumes then).
      if (error instanceof AppError && error.code === 'unavailable') connection.socket.close(CLOSE_CODES.tryAgainLater, 'unavailable');
      else {
        this.deps.logger.error({ err: error }, 'could not set up a socket');
        connection.socket.close(1011, 'internal');
      }
      return false;
    }
  }

  /**
   * `ready`'s heads: on a `heads=moved` resume only those past the cursor, which the store finds
   * without reading the others; every head otherwise (`after` 0: a cursor at the log's start too).
   */
  private headsFor(userId: string, after: number): Promise<Heads> {
    return after > 0 ? this.deps.sync.headsAfter(userId, after) : this.deps.sync.heads(userId);
  }

  /** Sends the user's logged events after the cursor, page by page; returns the last position sent. */
  private async replay(connection: Connection, start: StreamStart): Promise<number> {
    const pageSize = 500;
    let after = start.after;
    for (;;) {
      const events = await this.deps.sync.readFrames(connection.userId, after, pageSize);
      for (const { pos, frame } of events) {
        connection.sendText(frame);
        after = pos;
      }
      if (events.length < pageSize || connection.closed) return after;
      // Let a slow reader drain rather than buffering a long backlog in memory.
      rawSocket(connection)?.uncork();
      rawSocket(connection)?.cork();
      while (connection.socket.bufferedAmount > 1_048_576 && !connection.closed) await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function rawSocket(connection: Connection): Duplex | undefined {
  return (connection.socket as unknown as { _socket?: Duplex })._socket;
}

/** Adds `id` to `set` or takes it out. */
export function setMember(set: Set<string>, id: string, on: boolean): void {
  if (on) set.add(id);
  else set.delete(id);
}
