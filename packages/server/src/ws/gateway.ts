import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { CLOSE_CODES, type ClientFrame, type ServerEvent } from '@confab/protocol';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { AppError, toErrorBody } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { type BusMessage, type EventBus, conversationTopic, userTopic } from '../bus/bus.js';
import type { ConversationService } from '../services/conversation-service.js';
import type { MessageService } from '../services/message-service.js';
import type { PresenceService } from '../services/presence-service.js';
import { type StreamStart, type SyncService, encodeSyncCursor } from '../services/sync-service.js';
import type { AccessClaims, TokenService } from '../services/token-service.js';
import type { TypingService } from '../services/typing-service.js';
import { Connection, Waiter } from './connection.js';
import { FrameError, parseClientFrame } from './frames.js';
import { TopicRegistry } from './topics.js';
import { LiveCheck } from './live-check.js';

export const WS_PATH = '/api/v1/ws';

export interface GatewayDeps {
  config: Config;
  tokens: TokenService;
  conversations: ConversationService;
  messages: MessageService;
  sync: SyncService;
  typing: TypingService;
  presence: PresenceService;
  bus: EventBus;
  logger: Logger;
  metrics: Metrics;
}

/**
 * The WebSocket gateway: authenticates the upgrade, subscribes each socket to its user's and
 * conversations' topics, fans bus events out to sockets (one serialisation per event), and turns
 * client frames into the same service calls as the REST routes.
 */
export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly topics: TopicRegistry;
  private readonly liveCheck: LiveCheck;
  private heartbeat: NodeJS.Timeout | undefined;
  private accepting = true;
  /** Long-polls waiting on this node: a node shutting down ends them. */
  private readonly waiters = new Set<Waiter>();
  /** TCP sockets whose writes are held until the end of the current tick (`cork`). */
  private readonly corked = new Set<Duplex>();
  /** Client frames being handled: a node shutting down answers them before it closes the sockets. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly deps: GatewayDeps) {
    // Frames above the limit but below this hard cap get an error frame and the socket lives on;
    // beyond it `ws` closes with 1009 before buffering more.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: deps.config.wsMaxFrameBytes * 16,
      perMessageDeflate: false,
      clientTracking: false,
    });
    this.topics = new TopicRegistry(deps.bus, (message) => this.deliver(message));
    this.liveCheck = new LiveCheck(
      deps.sync,
      (conversationId) => this.topics.connectionsOf(conversationTopic(conversationId)),
      deps.config.liveCheckIntervalMs,
      deps.logger,
    );
    // The bus may have dropped events: have every client compare its positions with the heads.
    deps.bus.onResync(() => void this.sendHeadsToAll());
  }

  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.handleUpgrade(request, socket, head);
    });
    this.heartbeat = setInterval(() => this.reapAndPing(), this.deps.config.wsPingIntervalMs);
    this.heartbeat.unref();
    this.liveCheck.start();
  }

  /**
   * Shutdown, step 1 (server.ts `close`): refuse new sockets (503), leave frames that arrive from
   * now on unanswered (the SDK re-sends them after reconnecting), and end waiting long-polls.
   */
  stopAccepting(): void {
    this.accepting = false;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.liveCheck.stop();
    for (const waiter of this.waiters) waiter.wake();
  }

  /** Shutdown, step 2: resolves once every frame accepted before `stopAccepting` is answered. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Shutdown, step 3: tells every socket to reconnect, possibly to another node (1001). */
  closeSockets(): void {
    for (const set of this.byUser.values()) {
      for (const connection of set) connection.socket.close(CLOSE_CODES.goingAway, 'server shutting down');
    }
  }

  /** Shutdown past its timeout: drops the sockets whose close handshake is still unanswered. */
  terminateAll(): void {
    for (const set of this.byUser.values()) for (const connection of set) connection.socket.terminate();
  }

  /**
   * Drops every socket of a user without a close handshake, as a failing network would (their
   * clients reconnect and resume). Returns how many. Used by operators and by the resume tests.
   */
  terminateUser(userId: string): number {
    const set = this.byUser.get(userId);
    for (const connection of set ?? []) connection.socket.terminate();
    return set?.size ?? 0;
  }

  get connectionCount(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  // ---- handshake ----

  private async handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) return rejectUpgrade(socket, 404, 'Not Found');
    if (!this.accepting) return rejectUpgrade(socket, 503, 'Service Unavailable');
    if (!this.originAllowed(request)) return rejectUpgrade(socket, 403, 'Forbidden');

    const token = bearerToken(request) ?? url.searchParams.get('access_token');
    if (!token) return rejectUpgrade(socket, 401, 'Unauthorized');
    let claims: AccessClaims | undefined;
    let failure: AppError | undefined;
    try {
      claims = await this.deps.tokens.verifyAccessToken(token);
    } catch (error) {
      failure = error instanceof AppError ? error : new AppError('unauthenticated', 'The access token is not valid');
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      // Browsers cannot read an HTTP status from a failed upgrade, so refusals after this point
      // are close codes with the error code as reason.
      if (!claims) return ws.close(CLOSE_CODES.unauthorized, failure?.code ?? 'unauthenticated');
      if ((this.byUser.get(claims.userId)?.size ?? 0) >= this.deps.config.maxSocketsPerUser) {
        return ws.close(CLOSE_CODES.tooManyConnections, 'too_many_connections');
      }
      void this.open(ws, claims, url.searchParams.get('since') ?? undefined);
    });
  }

  private originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true; // not a browser: Origin protects browsers' users only
    const allowed = this.deps.config.wsAllowedOrigins;
    if (allowed.includes('*') || allowed.includes(origin)) return true;
    if (allowed.length > 0) return false;
    try {
      return new URL(origin).host === request.headers.host;
    } catch {
      return false;
    }
  }

  // ---- connection lifecycle ----

  /**
   * Brings a new socket up to date, then live, with no gap and no duplicate at the seam:
   * subscribe first (live events wait in `pending`), replay the log after the client's cursor,
   * send `ready` with the new cursor, then release the waiting events not already replayed.
   */
  private async open(ws: WebSocket, claims: AccessClaims, since: string | undefined): Promise<void> {
    const connection = new Connection(randomUUID(), claims.userId, claims.sessionId, ws);
    let set = this.byUser.get(claims.userId);
    if (!set) this.byUser.set(claims.userId, (set = new Set()));
    set.add(connection);
    this.deps.metrics.sockets.inc();

    ws.on('message', (data, isBinary) => {
      if (!this.accepting) return;
      const handled = this.onFrame(connection, data, isBinary);
      this.inFlight.add(handled);
      void handled.finally(() => this.inFlight.delete(handled));
    });
    ws.on('pong', () => (connection.alive = true));
    ws.on('close', () => void this.onClose(connection));
    ws.on('error', (error) => this.deps.logger.debug({ err: error, connectionId: connection.id }, 'socket error'));

    try {
      await this.topics.add(connection, userTopic(claims.userId));
      const conversationIds = await this.deps.conversations.conversationIdsOf(claims.userId);
      // Subscribed side by side: over Redis, one round trip for all rather than one each.
      await Promise.all(conversationIds.map((id) => this.topics.add(connection, conversationTopic(id))));
      const start = await this.deps.sync.start(since);
      const cursorPos = start.reset === null && since !== undefined ? await this.replay(connection, start) : start.after;
      if (connection.closed) return;
      connection.seam = cursorPos;
      connection.send({
        type: 'ready',
        userId: claims.userId,
        connectionId: connection.id,
        cursor: encodeSyncCursor(start.epoch, cursorPos),
        reset: start.reset,
        heads: await this.deps.sync.heads(claims.userId),
      });
      const pending = connection.pending ?? [];
      connection.pending = null;
      for (const message of pending) this.deliverTo(connection, message);
      if (!connection.closed) void this.announceOnline(connection);
    } catch (error) {
      // A store outage is temporary: 1013 tells the client to come back (it resumes then).
      if (error instanceof AppError && error.code === 'unavailable') ws.close(CLOSE_CODES.tryAgainLater, 'unavailable');
      else {
        this.deps.logger.error({ err: error }, 'could not set up a socket');
        ws.close(1011, 'internal');
      }
    }
  }

  /** Presence is best effort: a Redis outage must not cost the socket. */
  private async announceOnline(connection: Connection): Promise<void> {
    try {
      await this.deps.presence.connected(connection.userId, connection.id);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not record that a user came online');
    }
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
      while (connection.socket.bufferedAmount > 1_048_576 && !connection.closed) await new Promise((r) => setTimeout(r, 5));
    }
  }

  private async onClose(connection: Connection): Promise<void> {
    if (connection.closed) return;
    connection.closed = true;
    this.deps.metrics.sockets.dec();
    const set = this.byUser.get(connection.userId);
    set?.delete(connection);
    if (set?.size === 0) this.byUser.delete(connection.userId);
    await this.topics.removeAll(connection);
    // Only a socket that was counted (it reached `ready`) is uncounted; a node shutting down
    // leaves presence alone (its users reconnect to another node).
    if (connection.pending !== null || !this.accepting) return;
    try {
      await this.deps.presence.disconnected(connection.userId, connection.id);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not record that a user went offline');
    }
  }

  /**
   * Waits until an event reaches one of the user's topics on this node, or the timeout passes.
   * `check` runs once subscribed: an event committed while subscribing woke nobody, so the
   * caller looks for it then (a wake-up after that point is not lost).
   */
  async waitForEvent(userId: string, timeoutMs: number, check?: () => Promise<boolean>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let waiter: Waiter | undefined;
    const woken = new Promise<void>((resolve) => {
      waiter = new Waiter(resolve);
      timer = setTimeout(resolve, timeoutMs);
    });
    this.waiters.add(waiter!);
    try {
      if (!this.accepting) throw shuttingDown();
      await this.topics.add(waiter!, userTopic(userId));
      const conversationIds = await this.deps.conversations.conversationIdsOf(userId);
      await Promise.all(conversationIds.map((id) => this.topics.add(waiter!, conversationTopic(id))));
      if (check && (await check())) return;
      await woken;
      // 503: the client polls again, through a balancer on another node.
      if (!this.accepting) throw shuttingDown();
    } finally {
      clearTimeout(timer);
      this.waiters.delete(waiter!);
      waiter!.closed = true;
      await this.topics.removeAll(waiter!);
    }
  }

  private async sendHeadsToAll(): Promise<void> {
    for (const [userId, set] of this.byUser) {
      const ready = [...set].filter((c) => c.pending === null);
      if (ready.length === 0) continue;
      try {
        const heads = await this.deps.sync.heads(userId);
        for (const connection of ready) connection.send({ type: 'heads', heads });
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'could not send heads after a bus resync');
      }
    }
  }

  private reapAndPing(): void {
    for (const set of this.byUser.values()) {
      for (const connection of set) {
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }
  }

  // ---- client frames ----

  private async onFrame(connection: Connection, data: RawData, isBinary: boolean): Promise<void> {
    let frame: ClientFrame;
    try {
      if (isBinary) throw new FrameError(null, 'validation_failed', 'Send JSON text frames');
      const size = rawSize(data);
      if (size > this.deps.config.wsMaxFrameBytes) {
        throw new FrameError(null, 'payload_too_large', `Frames are limited to ${this.deps.config.wsMaxFrameBytes} bytes`, {
          maxBytes: this.deps.config.wsMaxFrameBytes,
        });
      }
      frame = parseClientFrame(rawText(data));
    } catch (error) {
      return this.sendError(connection, error instanceof FrameError ? error.frameId : null, error);
    }
    try {
      switch (frame.type) {
        case 'message.send': {
          const { message } = await this.deps.messages.send(connection.userId, frame.conversationId, {
            clientId: frame.clientId,
            body: frame.body,
          });
          connection.send({ type: 'ack', id: frame.id, message });
          return;
        }
        case 'ping':
          connection.send(frame.id === undefined ? { type: 'pong' } : { type: 'pong', id: frame.id });
          return;
        case 'typing':
          await this.deps.typing.setTyping(connection.userId, frame.conversationId, frame.typing);
          if (frame.id !== undefined) connection.send({ type: 'ack', id: frame.id });
          return;
        case 'delivered':
          await this.deps.messages.markDelivered(connection.userId, frame.conversationId, frame.seq);
          if (frame.id !== undefined) connection.send({ type: 'ack', id: frame.id });
          return;
        case 'read': {
          const marker = await this.deps.messages.markRead(connection.userId, frame.conversationId, frame.seq);
          if (frame.id !== undefined) connection.send({ type: 'ack', id: frame.id, readSeq: marker.readSeq });
          return;
        }
      }
    } catch (error) {
      if (!(error instanceof AppError)) this.deps.logger.error({ err: error }, 'frame handler failed');
      this.sendError(connection, 'id' in frame && frame.id !== undefined ? frame.id : null, error);
    }
  }

  private sendError(connection: Connection, id: string | null, error: unknown): void {
    connection.send({ type: 'error', id, error: toErrorBody(error).body });
  }

  // ---- fan-out ----

  private deliver(message: BusMessage): void {
    const listeners = this.topics.connectionsOf(message.topic);
    if (!listeners || listeners.size === 0) return;
    if ('pos' in message.event && message.topic.startsWith('conv:')) this.liveCheck.noteDelivered(message.topic.slice('conv:'.length), message.event.pos);
    let written = 0;
    // A Set's iteration tolerates the removals a write can cause.
    for (const listener of listeners) {
      if (listener instanceof Waiter) listener.wake();
      else if (this.deliverTo(listener, message)) written += 1;
    }
    if (written > 0) this.deps.metrics.framesDelivered.inc(written);
  }

  /** True when the frame was written to the socket. */
  private deliverTo(connection: Connection, message: BusMessage): boolean {
    if (connection.pending !== null) {
      connection.pending.push(message);
      return false;
    }
    const { topic, event } = message;
    const viaUserTopic = topic.startsWith('user:');
    // A membership event about this very user reaches it through its user topic only (it is
    // published to both), so it arrives once and updates the socket's subscriptions.
    if (!viaUserTopic && membershipSubject(event) === connection.userId) return false;
    // Typists do not hear themselves, nor users their own presence.
    if ((event.type === 'typing' || event.type === 'presence') && event.userId === connection.userId) return false;
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

const shuttingDown = () => new AppError('unavailable', 'The server is shutting down: try again');

const TEXT_FRAME = { binary: false } as const;

function membershipSubject(event: ServerEvent): string | undefined {
  if (event.type === 'member.added') return event.member.userId;
  if (event.type === 'member.removed') return event.userId;
  return undefined;
}

function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as Buffer).toString('utf8');
}
