import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { type ServerEvent, isPrivateEvent } from '@confab/protocol';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import { type BusMessage, conversationTopic } from '../bus/bus.js';
import type { TopicRegistry } from '../bus/topic-registry.js';
import type { SyncService } from '../services/sync-service.js';
import type { Connection } from './connection.js';
import type { LiveCheck } from './live-check.js';

export interface FanOutDeps {
  config: Config;
  sync: SyncService;
  logger: Logger;
  metrics: Metrics;
}

/**
 * Bus events to this node's sockets: one serialisation per event (the bus's frame, turned into
 * one `Buffer` shared by every socket), writes corked until the end of the tick, and the
 * socket's subscriptions following its user's memberships.
 */
export class FanOut {
  /** TCP sockets whose writes are held until the end of the current tick (`cork`). */
  private readonly corked = new Set<Duplex>();

  constructor(
    private readonly deps: FanOutDeps,
    private readonly topics: TopicRegistry<Connection>,
    private readonly liveCheck: LiveCheck,
  ) {}

  /** The bus handler of every topic the node's sockets listen to. */
  deliver(message: BusMessage): void {
    const listeners = this.topics.listenersOf(message.topic);
    if (!listeners || listeners.size === 0) return;
    const { event } = message;
    if ('pos' in event) {
      if (message.topic.startsWith('conv:')) this.liveCheck.noteDelivered(message.topic.slice('conv:'.length), event.pos);
      else if (isPrivateEvent(event)) this.liveCheck.noteDelivered(message.topic.slice('user:'.length), event.pos);
    }
    let written = 0;
    // A Set's iteration tolerates the removals a write can cause.
    for (const connection of listeners) if (this.deliverTo(connection, message)) written += 1;
    if (written > 0) this.deps.metrics.framesDelivered.inc(written);
  }

  /** True when the frame was written to the socket. */
  deliverTo(connection: Connection, message: BusMessage): boolean {
    if (connection.pending !== null) {
      connection.pending.push(message);
      return false;
    }
    const { topic, event } = message;
    const viaUserTopic = topic.startsWith('user:');
    // A membership event about this very user reaches it through its user topic only (it is
    // published to both), so it arrives once and updates the socket's subscriptions.
    if (!viaUserTopic && membershipSubject(event) === connection.userId) return false;
    // Typists do not hear themselves, nor users their own presence, nor anyone those they block.
    if (
      (event.type === 'typing' || event.type === 'presence') &&
      (event.userId === connection.userId || connection.blocked.has(event.userId))
    ) {
      return false;
    }
    if (event.type === 'block.updated') {
      if (event.blocked) connection.blocked.add(event.userId);
      else connection.blocked.delete(event.userId);
    }
    // Already replayed to this socket from the log.
    if ('pos' in event && event.pos <= connection.seam) return false;
    message.bytes ??= Buffer.from(message.frame);
    const written = this.write(connection, message.bytes);
    if (viaUserTopic) void this.followMembership(connection, event);
    return written;
  }

  private write(connection: Connection, bytes: Buffer): boolean {
    const socket = connection.socket;
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > this.deps.config.wsMaxBufferedBytes) {
      // A consumer this far behind is dropped rather than buffered without bound; it reconnects.
      socket.terminate();
      return false;
    }
    this.cork(socket);
    socket.send(bytes, TEXT_FRAME);
    return true;
  }

  /**
   * Holds a socket's writes until the end of this tick, so the frames of one commit batch (and of
   * everything else written to it meanwhile) leave in one write call, not one per frame.
   */
  private cork(socket: WebSocket): void {
    const raw = (socket as unknown as { _socket?: Duplex })._socket;
    if (!raw || this.corked.has(raw)) return;
    raw.cork();
    if (this.corked.size === 0) process.nextTick(() => this.uncorkAll());
    this.corked.add(raw);
  }

  private uncorkAll(): void {
    for (const raw of this.corked) raw.uncork();
    this.corked.clear();
  }

  private async followMembership(connection: Connection, event: ServerEvent): Promise<void> {
    if (event.type === 'member.removed') return this.topics.remove(connection, conversationTopic(event.conversationId));
    if (event.type !== 'conversation.created' && event.type !== 'member.added') return;
    const conversationId = event.type === 'member.added' ? event.conversationId : event.conversation.id;
    await this.topics.add(connection, conversationTopic(conversationId));
    // Events of the conversation published before the subscription took hold (a bus round trip
    // on Redis) never reached this socket: tell the client where the conversation stands.
    try {
      const head = await this.deps.sync.conversationHead(conversationId);
      if (head > event.pos) connection.send({ type: 'heads', heads: { [conversationId]: head } });
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not check a joined conversation for missed events');
    }
  }
}

const TEXT_FRAME = { binary: false } as const;

function membershipSubject(event: ServerEvent): string | undefined {
  if (event.type === 'member.added') return event.member.userId;
  if (event.type === 'member.removed') return event.userId;
  return undefined;
}
