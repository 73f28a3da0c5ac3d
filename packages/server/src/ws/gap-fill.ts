import type { PositionedEvent } from '@confab/protocol';
import type { Logger } from 'pino';
import { conversationTopic } from '../bus/bus.js';
import type { Metrics } from '../metrics.js';
import type { SyncService } from '../services/events/sync-service.js';
import type { Connection } from './connection.js';
import type { ConnectionRegistry } from './connection-registry.js';
import type { ConversationStream } from './conversation-order.js';

/** Where filled events go: the fan-out's writes and what follows an event being sent. */
export interface FillTarget {
  /** False when the frame could not be written. */
  write(connection: Connection, data: Buffer | string): boolean;
  /** An event of the conversation was sent to the socket (membership follows from it). */
  sent(connection: Connection, conversationId: string, event: PositionedEvent): void;
}

type LogPage = { event: PositionedEvent; frame: string }[];
const PAGE = 500;

/**
 * Server-side gap fill: when a socket may have missed live events of a conversation (a `prev`
 * ahead of what it was sent, a bus resync, the live check, a join), the node reads them from the
 * log and sends them, in order, before anything later of that conversation (held meanwhile by the
 * socket's `ConversationStream`). So a client needs no gap detection of its own; `heads` frames
 * are still sent, as a hint.
 */
export class GapFill {
  /** Log reads in flight, by conversation and position: sockets at the same place share one. */
  private readonly reads = new Map<string, Promise<LogPage>>();

  constructor(
    private readonly sync: Pick<SyncService, 'conversationFrames' | 'heads'>,
    private readonly logger: Logger,
    private readonly metrics: Metrics,
    private readonly target: FillTarget,
    /** How long a live event's gap waits for the bus to bring what is missing before the log is read. */
    private readonly busWaitMs = 0,
  ) {}

  /**
   * A live event found a gap before it, and is held by `stream`: wait a moment for the bus (the
   * missing events are usually just behind, published by another node), then fill what is still
   * missing from the log and release the held events.
   */
  start(connection: Connection, conversationId: string, stream: ConversationStream): void {
    if (this.busWaitMs === 0) {
      if (stream.stopAwaitingBus()) void this.run(connection, conversationId, stream);
      return;
    }
    setTimeout(() => {
      if (connection.closed || connection.order.current(conversationId) !== stream) return;
      if (stream.stopAwaitingBus()) void this.run(connection, conversationId, stream);
    }, this.busWaitMs).unref();
  }

  /** A live event joined the held ones: while the gap awaits the bus, send what now follows in order. */
  held(connection: Connection, conversationId: string, stream: ConversationStream): void {
    if (!stream.awaitingBus) return;
    for (const message of stream.drainHeld()) {
      this.send(connection, conversationId, message.event as PositionedEvent, (message.bytes ??= Buffer.from(message.frame)));
    }
    if (!stream.filling) this.metrics.gapsClosedByBus.inc();
  }

  /** The log may be ahead of what the socket was sent in this conversation: fill (or have the running fill look again). */
  catchUp(connection: Connection, conversationId: string): void {
    const stream = connection.order.of(conversationId);
    if (stream.beginFill()) void this.run(connection, conversationId, stream);
  }

  /** The live check found events of the conversation the bus never brought, up to `pos`. */
  behind(listeners: ReadonlySet<Connection>, conversationId: string, pos: number): void {
    let repaired = false;
    for (const connection of listeners) {
      if (connection.pending !== null) continue; // it reads the log before going live anyway
      connection.send({ type: 'heads', heads: { [conversationId]: pos } });
      if (pos <= connection.order.of(conversationId).sent) continue; // it had them: arrived by its user topic, say
      repaired = true;
      this.catchUp(connection, conversationId);
    }
    if (repaired) this.metrics.liveCheckRepairs.inc();
  }

  /** The bus may have dropped events: every live socket gets `heads` and what it missed. */
  async resync(connections: ConnectionRegistry): Promise<void> {
    for (const [userId, set] of connections.users()) {
      const ready = [...set].filter((c) => c.pending === null);
      if (ready.length === 0) continue;
      try {
        const heads = await this.sync.heads(userId);
        for (const connection of ready) {
          connection.send({ type: 'heads', heads });
          for (const [conversationId, head] of Object.entries(heads)) {
            // The user's private stream is keyed by their id (`isPrivateEvent`): it comes by their user topic.
            if (conversationId !== userId && !connection.topics.has(conversationTopic(conversationId))) continue;
            if (head > connection.order.of(conversationId).sent) this.catchUp(connection, conversationId);
          }
        }
      } catch (error) {
        this.logger.warn({ err: error }, 'could not catch sockets up after a bus resync');
      }
    }
  }

  private async run(connection: Connection, conversationId: string, stream: ConversationStream): Promise<void> {
    let filled = 0;
    try {
      for (;;) {
        const sent = await this.readToEnd(connection, conversationId, stream);
        if (sent === null) return;
        filled += sent;
        let next = stream.nextHeld();
        for (; next !== undefined && next !== 'gap'; next = stream.nextHeld()) {
          this.send(connection, conversationId, next.event as PositionedEvent, (next.bytes ??= Buffer.from(next.frame)));
        }
        if (next === undefined) return;
      }
    } catch (error) {
      this.logger.warn({ err: error, conversationId }, 'could not fill a gap from the log: sending the held events as they are');
      if (connection.order.current(conversationId) !== stream) return;
      for (const message of stream.abandonFill()) this.send(connection, conversationId, message.event as PositionedEvent, message.frame);
    } finally {
      if (filled > 0) this.metrics.gapFills.inc();
    }
  }

  /** Sends the log's events after what the socket was sent; how many, or null when the fill is moot (closed, or the stream replaced by a join). */
  private async readToEnd(connection: Connection, conversationId: string, stream: ConversationStream): Promise<number | null> {
    let sent = 0;
    for (;;) {
      const page = await this.read(conversationId, stream.sent);
      if (connection.closed || connection.order.current(conversationId) !== stream) return null;
      for (const { event, frame } of page) {
        if (!stream.take(event.pos)) continue;
        this.send(connection, conversationId, event, frame);
        sent += 1;
      }
      if (page.length < PAGE) return sent;
    }
  }

  private send(connection: Connection, conversationId: string, event: PositionedEvent, data: Buffer | string): void {
    if (this.target.write(connection, data)) this.metrics.framesDelivered.inc();
    this.target.sent(connection, conversationId, event);
  }

  private read(conversationId: string, after: number): Promise<LogPage> {
    const key = `${conversationId}:${after}`;
    let read = this.reads.get(key);
    if (read === undefined) {
      read = this.sync.conversationFrames(conversationId, after, PAGE);
      this.reads.set(key, read);
      const forget = () => this.reads.delete(key);
      read.then(forget, forget);
    }
    return read;
  }
}
