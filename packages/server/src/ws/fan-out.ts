import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { type PositionedEvent, type ServerEvent, conversationOf, isPrivateEvent } from '@confab/protocol';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import { type BusMessage, conversationTopic } from '../bus/bus.js';
import type { TopicRegistry } from '../bus/topic-registry.js';
import type { SyncService } from '../services/events/sync-service.js';
import type { Connection } from './connection.js';
import { type FillTarget, GapFill } from './gap-fill.js';
import type { LiveCheck } from './live-check.js';

export interface FanOutDeps {
  config: Config;
  sync: SyncService;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Bus events to this node's sockets: one serialisation per event (the bus's frame, turned into
 * one `Buffer` shared by every socket), writes corked until the current run's microtask, each
 * conversation's events in order and once per socket (`conversation-order.ts`, gaps filled from
 * the log by `gap-fill.ts`), and the socket's subscriptions following its user's memberships.
 */
export class FanOut implements FillTarget {
  readonly gapFill: GapFill;
  /** TCP sockets whose writes are held until the current run is over (`cork`). */
  private readonly corked = new Set<Duplex>();
  /** Those held until the end of the tick instead: the sender's own, for the ack to join. */
  private readonly corkedToTick = new Set<Duplex>();

  constructor(
    private readonly deps: FanOutDeps,
    private readonly topics: TopicRegistry<Connection>,
    private readonly liveCheck: LiveCheck,
  ) {
    this.gapFill = new GapFill(deps.sync, deps.logger, deps.metrics, this, deps.config.busReorderWaitMs);
  }

  /** The bus handler of every topic the node's sockets listen to. */
  deliver(message: BusMessage): void {
    const listeners = this.topics.listenersOf(message.topic);
    if (!listeners || listeners.size === 0) return;
    let conversationId: string | undefined;
    if ('pos' in message.event) {
      conversationId = streamOf(message.event, message.topic);
      // A private event's stream is its user's: it comes by the user topic alone.
      if (message.topic.startsWith('conv:') || isPrivateEvent(message.event))
        this.liveCheck.noteDelivered(conversationId, message.event.pos);
    }
    let written = 0;
    // A Set's iteration tolerates the removals a write can cause.
    for (const connection of listeners) if (this.deliverTo(connection, message, conversationId)) written += 1;
    if (written > 0) this.deps.metrics.framesDelivered.inc(written);
    if (written > 0 && message.event.type === 'message.created')
      this.deps.metrics.fanOutSeconds.observe(secondsSince(message.event.message.createdAt));
  }

  /** True when the frame was written to the socket. */
  deliverTo(connection: Connection, message: BusMessage, conversationId?: string): boolean {
    if (connection.closed) return false; // still listed until the gateway releases it
    if (connection.pending !== null) {
      connection.pending.push(message);
      return false;
    }
    const { topic, event } = message;
    const viaUserTopic = topic.startsWith('user:');
    // A membership event about this very user reaches it through its user topic only (it is
    // published to both), so it arrives once and updates the socket's subscriptions.
    if (!viaUserTopic && membershipSubject(event) === connection.userId) return false;
    if (!('pos' in event)) {
      // Typists do not hear themselves, nor users their own presence, nor anyone those they
      // block or who blocks them.
      if (
        (event.type === 'typing' || event.type === 'presence') &&
        (event.userId === connection.userId || connection.blocked.has(event.userId) || connection.blockedBy.has(event.userId))
      ) {
        return false;
      }
      if (event.type === 'block.updated') {
        if (event.blocked) connection.blocked.add(event.userId);
        else connection.blocked.delete(event.userId);
      }
      return this.write(connection, (message.bytes ??= Buffer.from(message.frame)));
    }
    // A conversation's events are ordered in its stream; the user's private events in theirs, keyed by their id.
    const id = conversationId ?? streamOf(event, topic);
    if (event.pos <= connection.order.floor) {
      // Already replayed (or before the socket's stream); but a membership change that landed
      // while the socket was being set up must still move its subscriptions.
      if (viaUserTopic) this.sent(connection, id, event);
      return false;
    }
    // Joining starts the socket's stream of a conversation: what came before is not theirs.
    const stream =
      viaUserTopic && joins(event, connection.userId) ? connection.order.join(id, event.pos, event.prev) : connection.order.of(id);
    switch (stream.admit(message)) {
      case 'send': {
        const own = event.type === 'message.created' && event.message.senderId === connection.userId;
        const written = this.write(connection, (message.bytes ??= Buffer.from(message.frame)), own);
        // The user's own membership changes come by the user topic (their copies on the
        // conversation topic were dropped above): only those move the socket's subscriptions.
        if (viaUserTopic) this.sent(connection, id, event);
        return written;
      }
      case 'fill':
        this.gapFill.start(connection, id, stream);
        return false;
      case 'hold':
        this.gapFill.held(connection, id, stream);
        return false;
      default:
        return false;
    }
  }

  /** What follows an event reaching the socket: its subscriptions follow the user's memberships. */
  sent(connection: Connection, conversationId: string, event: PositionedEvent): void {
    if (event.type === 'member.removed' && event.userId === connection.userId) {
      connection.order.of(conversationId).leave(event.pos);
      void this.topics.remove(connection, conversationTopic(conversationId));
    } else if (joins(event, connection.userId)) void this.follow(connection, conversationId);
  }

  /** `untilTick`: the frame may wait for the end of the tick (see `cork`). */
  write(connection: Connection, data: Buffer | string, untilTick = false): boolean {
    const socket = connection.socket;
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > this.deps.config.wsMaxBufferedBytes) {
      // A consumer this far behind is dropped rather than buffered without bound; it reconnects.
      socket.terminate();
      return false;
    }
    this.cork(socket, untilTick);
    socket.send(data, TEXT_FRAME);
    return true;
  }

  /**
   * Holds a socket's writes until what is running now has finished, so the frames of one commit
   * batch (published in one call: event-publisher.ts) leave in one write call, not one per frame.
   * A microtask, not the end of the tick: the publisher runs inside the send's promise chain, and
   * at the end of the tick the recipients' frames left only after the sender's answer, which that
   * chain writes first (one REST sender's delivery p50 0.15–0.18 ms after the answer, issue 41).
   * The sender's own copy of a new message is held to the end of the tick: a WebSocket send's ack,
   * which that chain writes, then leaves in the same write call (one call fewer a send: 9 % of
   * one socket sender's server CPU).
   */
  private cork(socket: WebSocket, untilTick: boolean): void {
    const raw = (socket as unknown as { _socket?: Duplex })._socket;
    if (!raw || this.corkedToTick.has(raw)) return;
    if (untilTick) {
      // Corked already for this run: held longer, not corked twice.
      if (!this.corked.delete(raw)) raw.cork();
      if (this.corkedToTick.size === 0) process.nextTick(() => uncorkAll(this.corkedToTick));
      this.corkedToTick.add(raw);
    } else if (!this.corked.has(raw)) {
      raw.cork();
      if (this.corked.size === 0) queueMicrotask(() => uncorkAll(this.corked));
      this.corked.add(raw);
    }
  }

  private async follow(connection: Connection, conversationId: string): Promise<void> {
    await this.topics.add(connection, conversationTopic(conversationId));
    // Events of the conversation published before the subscription took hold (a bus round trip
    // on Redis) never reached this socket: they are read from the log.
    if (!connection.closed) this.gapFill.catchUp(connection, conversationId);
  }
}

const TEXT_FRAME = { binary: false } as const;

const secondsSince = (timestamp: string): number => Math.max(0, Date.now() - Date.parse(timestamp)) / 1000;

/** The event makes `userId` a member of its conversation. */
function joins(event: PositionedEvent, userId: string): boolean {
  return event.type === 'conversation.created' || (event.type === 'member.added' && event.member.userId === userId);
}

function membershipSubject(event: ServerEvent): string | undefined {
  if (event.type === 'member.added') return event.member.userId;
  if (event.type === 'member.removed') return event.userId;
  return undefined;
}

/**
 * The stream a positioned event is ordered in: its conversation's, or for a private event
 * (`isPrivateEvent`, published on its user's topic alone) that user's, keyed by the user's id.
 */
function streamOf(event: PositionedEvent, topic: string): string {
  return isPrivateEvent(event) && topic.startsWith('user:') ? topic.slice('user:'.length) : conversationOf(event);
}

function uncorkAll(corked: Set<Duplex>): void {
  for (const raw of corked) raw.uncork();
  corked.clear();
}
