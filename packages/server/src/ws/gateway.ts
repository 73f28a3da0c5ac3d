import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOSE_CODES, WS_SUBPROTOCOL } from '@confab/protocol';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Metrics } from '../metrics.js';
import { type EventBus, conversationTopic, userTopic } from '../bus/bus.js';
import type { TopicHub } from '../bus/topic-hub.js';
import { TopicRegistry } from '../bus/topic-registry.js';
import type { BlockService } from '../services/conversations/block-service.js';
import type { ConversationService } from '../services/conversations/conversation-service.js';
import type { MessageLifecycle } from '../services/messaging/message-lifecycle.js';
import type { MessageService } from '../services/messaging/message-service.js';
import type { PresenceService } from '../services/presence/presence-service.js';
import type { SyncService } from '../services/events/sync-service.js';
import type { AccessClaims, TokenService } from '../services/accounts/token-service.js';
import type { RateLimitService } from '../services/rate-limits.js';
import type { TypingService } from '../services/messaging/typing-service.js';
import { Admission } from '../infra/admission.js';
import { Connection } from './connection.js';
import { ConnectionRegistry } from './connection-registry.js';
import { FanOut } from './fan-out.js';
import { FrameDispatch } from './frame-dispatch.js';
import { type ResumeRequest, SESSION_REVOKED, handleUpgrade } from './handshake.js';
import { Heartbeat } from './heartbeat.js';
import { LiveCheck } from './live-check.js';
import type { PublishedPositions } from '../services/events/published-positions.js';
import { Resume, setMember } from './resume.js';
import type { SoleClient } from '../infra/sole-client.js';

export { WS_PATH } from './handshake.js';

/** Enough to keep the store busy while one resume waits on I/O; few enough that a live send's queries are not queued behind thousands (16/32/64 measured: bench/journal.md, the storm on 2026-11-23). */
const RESUMES_AT_ONCE = 32;
/**
 * Upgrade requests answered at once. A reconnect storm's thousands of handshakes (token check,
 * the 101, a connection set up: about 0.1 ms each) otherwise run back to back as their requests
 * arrive, and a live sender's ack waits behind all of them.
 */
const HANDSHAKES_AT_ONCE = 32;
/**
 * Closed sockets let go of at once (registries, topics, the grace timer): about 15 µs each, and
 * 18,000 sockets closing together (a load balancer restarting) arrive in one turn of the event
 * loop, which Node's and `ws`'s own teardown already make long.
 */
const RELEASES_AT_ONCE = 256;

export interface GatewayDeps {
  config: Config;
  tokens: TokenService;
  rateLimits: RateLimitService;
  conversations: ConversationService;
  messages: MessageService;
  lifecycle: MessageLifecycle;
  sync: SyncService;
  /** The log positions this node published, when its bus drops nothing: the live check skips what they cover. */
  published?: PublishedPositions | undefined;
  typing: TypingService;
  presence: PresenceService;
  blocks: BlockService;
  bus: EventBus;
  /** The node's shared subscriptions (the long-poll listens to topics too). */
  hub: TopicHub;
  logger: Logger;
  metrics: Metrics;
  /** Told of each client frame while it is handled (the SQLite store's flush asks it who else is served). */
  soleClient?: SoleClient;
}

/**
 * The WebSocket gateway, composed of: the handshake (`handshake.ts`), the node's sockets by user
 * and session (`connection-registry.ts`), bringing a socket up to date (`resume.ts`), client
 * frames (`frame-dispatch.ts`), bus events to sockets (`fan-out.ts`, in order per conversation,
 * gaps filled from the log by `gap-fill.ts`) and the safety net under pub/sub (`live-check.ts`). This class wires them and runs the sockets' lifecycle.
 */
export class Gateway {
  readonly connections = new ConnectionRegistry();
  private readonly wss: WebSocketServer;
  private readonly topics: TopicRegistry<Connection>;
  private readonly liveCheck: LiveCheck;
  private readonly fanOut: FanOut;
  private readonly resume: Resume;
  private readonly frames: FrameDispatch;
  /** Sockets being brought up to date, a few at a time (a reconnect storm must not starve live senders). */
  private readonly admission = new Admission(RESUMES_AT_ONCE);
  /** Upgrade requests, a slice at a time, for the same reason. */
  private readonly handshakes = new Admission(HANDSHAKES_AT_ONCE);
  /** Closed sockets, released a slice at a time for the same reason. */
  private readonly releases = new Admission(RELEASES_AT_ONCE);
  private readonly heartbeat: Heartbeat<Connection>;
  private accepting = true;
  /** Upgrade requests read but not yet answered. */
  private handshaking = 0;
  private lastUpgradeAt = -Infinity;
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
      // The token rides in the subprotocol list (handshake.ts): select the version, never echo the token.
      // Selected for a bad token too, so a browser completes the upgrade and reads the 4401 close.
      handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
    });
    this.topics = new TopicRegistry<Connection>(deps.hub.consumer(), (message) => this.fanOut.deliver(message));
    this.heartbeat = new Heartbeat(deps.config.wsPingIntervalMs);
    this.liveCheck = new LiveCheck(
      deps.sync,
      // A user's private stream is keyed by the user's id: its listeners are that user's sockets.
      (streamId) => this.topics.listenersOf(conversationTopic(streamId)) ?? this.topics.listenersOf(userTopic(streamId)),
      (listeners, streamId, pos) => this.fanOut.gapFill.behind(listeners, streamId, pos),
      deps.config.liveCheckIntervalMs,
      deps.logger,
      deps.published,
    );
    this.fanOut = new FanOut(deps, this.topics, this.liveCheck);
    this.resume = new Resume(deps, this.topics, this.fanOut);
    this.frames = new FrameDispatch(deps);
    deps.metrics.readers.subscriptions = () => this.topics.counts();
    // Someone blocked (or unblocked) one of this node's users: its sockets hide (or show) the
    // blocker's typing and presence from now on; a socket still resuming applies it after its read.
    deps.blocks.onChange(({ blockerId, blockedId, blocked }) => {
      for (const connection of this.connections.ofUser(blockedId)) {
        if (connection.blockedByNews) connection.blockedByNews.push([blockerId, blocked]);
        else setMember(connection.blockedBy, blockerId, blocked);
      }
    });
    // The bus may have dropped events: catch every socket up from the log (and send `heads`).
    deps.bus.onResync(() => {
      void this.refreshBlocks();
      void this.fanOut.gapFill.resync(this.connections);
    });
  }

  /** Starts the live check (its first read), then takes upgrades: called before the server listens. */
  async attach(server: Server): Promise<void> {
    await this.liveCheck.start();
    // Departures wait while handshakes are arriving: the user leaving may be among them (in a
    // storm, the next ones still wait in the kernel's accept queue or the client's backlog).
    const quiet = this.deps.config.presenceOfflineGraceMs / 4;
    this.deps.presence.deferDeparturesWhile(() => this.handshaking > 0 || performance.now() - this.lastUpgradeAt < quiet);
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      this.handshaking += 1;
      this.lastUpgradeAt = performance.now();
      void this.handshakes
        .run(() =>
          handleUpgrade(
            {
              ...this.deps,
              wss: this.wss,
              connections: this.connections,
              accepting: () => this.accepting,
              accepted: (ws, claims, resume) => void this.open(ws, claims, resume),
            },
            request,
            socket,
            head,
          ),
        )
        .finally(() => (this.handshaking -= 1));
    });
    this.heartbeat.start();
  }

  /**
   * Shutdown, step 1 (server.ts `close`): refuse new sockets (503) and leave frames that arrive
   * from now on unanswered (the SDK re-sends them after reconnecting).
   */
  stopAccepting(): void {
    this.accepting = false;
    this.heartbeat.stop();
    this.liveCheck.stop();
  }

  /** Shutdown, step 2: resolves once every frame accepted before `stopAccepting` is answered. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Shutdown, step 3: tells every socket to reconnect, possibly to another node (1001). */
  closeSockets(): void {
    for (const connection of this.connections.all()) connection.socket.close(CLOSE_CODES.goingAway, 'server shutting down');
  }

  /** Shutdown past its timeout: drops the sockets whose close handshake is still unanswered. */
  terminateAll(): void {
    for (const connection of this.connections.all()) connection.socket.terminate();
  }

  /**
   * Drops every socket of a user without a close handshake, as a failing network would (their
   * clients reconnect and resume). Returns how many. Used by operators and by the resume tests.
   */
  terminateUser(userId: string): number {
    const sockets = [...this.connections.ofUser(userId)];
    for (const connection of sockets) connection.socket.terminate();
    return sockets.length;
  }

  /**
   * A session ended (services/accounts/session-revocations.ts, on every node): its sockets here close with
   * 4403 and are heard no more. Frames already taken on finish; nothing is sent after the close.
   */
  closeSession(sessionId: string): void {
    for (const connection of this.connections.ofSession(sessionId)) {
      connection.revoked = true;
      connection.socket.close(CLOSE_CODES.sessionRevoked, SESSION_REVOKED);
    }
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private async open(ws: WebSocket, claims: AccessClaims, resume: ResumeRequest): Promise<void> {
    const connection = new Connection(randomUUID(), claims.userId, claims.sessionId, ws);
    this.connections.add(connection);
    this.heartbeat.add(connection);
    this.deps.metrics.sockets.inc();
    ws.on('message', (data, isBinary) => {
      if (!this.accepting || connection.revoked) return;
      this.deps.soleClient?.begin(connection);
      const handled = this.frames.handle(connection, data, isBinary);
      this.inFlight.add(handled);
      void handled.finally(() => {
        this.inFlight.delete(handled);
        this.deps.soleClient?.end();
      });
    });
    ws.on('pong', () => (connection.alive = true));
    ws.on('close', () => this.onClose(connection));
    ws.on('error', (error) => this.deps.logger.debug({ err: error, connectionId: connection.id }, 'socket error'));
    // Counted before it is brought up to date, not after: in a reconnect storm the resume may wait
    // longer than the grace period, and the user coming back must not be announced offline (then
    // online) meanwhile. Presence is best effort: a Redis outage must not cost the socket.
    connection.counted = true;
    const counted = this.deps.presence
      .connected(connection.userId, connection.id)
      .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'could not record that a user came online'));
    await this.admission.run(() => this.resume.start(connection, resume));
    await counted;
  }

  /** Marked closed at once (nothing more is sent to it), released in a later slice. */
  private onClose(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    const departing = this.accepting; // as at the close: a node shutting down leaves presence alone
    void this.releases.run(() => this.release(connection, departing));
  }

  private async release(connection: Connection, departing: boolean): Promise<void> {
    this.deps.metrics.sockets.dec();
    this.connections.remove(connection);
    this.heartbeat.remove(connection);
    void this.deps.rateLimits.forget('wsFrameSocket', connection.id);
    await this.topics.removeAll(connection);
    // Only a socket that was counted is uncounted; a node shutting down leaves presence alone
    // (its users reconnect to another node).
    if (!connection.counted || !departing) return;
    try {
      await this.deps.presence.disconnected(connection.userId, connection.id);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not record that a user went offline');
    }
  }

  /** After a bus resync: `block.updated` and `block.changed` may have been dropped too, so each live socket's block lists (both ways) are read again. */
  private async refreshBlocks(): Promise<void> {
    for (const [userId, set] of this.connections.users()) {
      const ready = [...set].filter((c) => c.pending === null);
      if (ready.length === 0) continue;
      try {
        const [blocked, blockedBy] = await Promise.all([this.deps.blocks.blockedIds(userId), this.deps.blocks.blockerIds(userId)]);
        for (const connection of ready) {
          connection.blocked = new Set(blocked);
          connection.blockedBy = new Set(blockedBy);
        }
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'could not read the blocks again after a bus resync');
      }
    }
  }
}
