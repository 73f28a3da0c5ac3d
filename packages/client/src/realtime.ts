import { WebSocket as PlatformWebSocket } from 'isows';
import type { Message, PositionedEvent, ServerFrame } from '@confab/protocol';
import { CLOSE_CODES, isPositionedEvent, wsSubprotocols } from '@confab/protocol';
import { ApiError } from './errors.js';
import { type CursorStore, type EventStream, MemoryCursorStore, type SyncState, conversationOf, httpEventStream } from './event-stream.js';
import { platformNetworkStatus } from './network-status.js';
import { DeliveryReceipts } from './delivery-receipts.js';
import { PendingRequests, type RequestAnswer } from './pending-requests.js';
import { RealtimeListeners } from './realtime-listeners.js';
import { ReconnectBackoff } from './reconnect-backoff.js';
import { DecryptingQueue } from './decrypting-queue.js';
import { LiveSeqs } from './live-seqs.js';
import type {
  EncryptedRelation,
  EncryptedSend,
  RealtimeOptions,
  RelationChange,
  ResetNotice,
  WebSocketConstructor,
  WebSocketLike,
} from './realtime-options.js';
import type { SendOptions } from './files.js';

export type { ConnectionState, RealtimeOptions, ResetNotice, WebSocketConstructor, WebSocketLike } from './realtime-options.js';

/**
 * One realtime connection that keeps itself open: it reconnects with backoff and jitter,
 * refreshes an expired token, and re-sends unacknowledged messages after a reconnect — with the
 * same clientId, so the server stores each once. It resumes from its cursor on every reconnect
 * and hands the application each event exactly once, in order per conversation (EventStream).
 */
export class RealtimeConnection extends RealtimeListeners {
  private socket: WebSocketLike | null = null;
  private readonly pending: PendingRequests;
  private readyWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private readonly backoff: ReconnectBackoff;
  private nextFrameId = 1;
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly cursorStore: CursorStore;
  private readonly stream: EventStream;
  private cursor: string | null;
  private userIdValue: string | null = null;
  private readonly receipts: DeliveryReceipts;
  private readonly stopWatchingNetwork: (() => void) | undefined;
  /** Set with end-to-end encryption: positioned events wait there for decryption, in order. */
  private readonly decrypting: DecryptingQueue | undefined;
  private readonly liveSeqs = new LiveSeqs();

  constructor(private readonly options: RealtimeOptions) {
    super(options.typingExpireMs ?? 6000);
    this.WebSocketImpl = options.WebSocket ?? (PlatformWebSocket as unknown as WebSocketConstructor);
    this.cursorStore = options.cursorStore ?? new MemoryCursorStore();
    this.pending = new PendingRequests(options.sendTimeoutMs ?? 30_000);
    this.backoff = new ReconnectBackoff(options.minReconnectDelayMs ?? 250, options.maxReconnectDelayMs ?? 10_000);
    this.receipts = new DeliveryReceipts((frame) => {
      if (this.stateValue !== 'open' || !this.socket) return false;
      this.socket.send(frame);
      return true;
    });
    this.decrypting = options.encryption && new DecryptingQueue(options.encryption, (event) => this.emitPositioned(event));
    const saved = this.cursorStore.load();
    this.cursor = saved?.cursor ?? null;
    this.stream = httpEventStream(options.http, {
      deliver: (event) => this.deliverPositioned(event),
      reset: (conversationId) => this.emitReset({ reason: 'expired', conversationId }),
      userId: () => this.userIdValue,
    });
    if (saved) this.stream.restore(saved.conversations);
    this.stopWatchingNetwork = (options.network ?? platformNetworkStatus())?.onChange((online) =>
      online ? this.reconnectNow() : this.drop(),
    );
    this.open();
  }

  /** The resume position and per-conversation positions (what the CursorStore persists). */
  get syncState(): SyncState {
    return { cursor: this.cursor, conversations: this.stream.state };
  }

  /** Resolves when every gap detected so far has been filled and delivered. */
  settled(): Promise<void> {
    return this.stream.settled();
  }

  /** Resolves when the server has subscribed this connection and events flow. */
  ready(): Promise<void> {
    if (this.stateValue === 'open') return Promise.resolve();
    if (this.stateValue === 'closed') return Promise.reject(new ApiError(0, 'network_error', 'Connection closed'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Frames answered with `ack` or `error`; re-sent after a reconnect until answered. */
  protected request(body: Record<string, unknown>): Promise<RequestAnswer> {
    if (this.stateValue === 'closed') return Promise.reject(new ApiError(0, 'network_error', 'Connection closed'));
    const id = String(this.nextFrameId++);
    const frame = JSON.stringify({ ...body, id });
    const answer = this.pending.add(id, frame);
    if (this.stateValue === 'open') this.socket?.send(frame);
    return answer;
  }

  close(): void {
    this.stopWatchingNetwork?.();
    this.setState('closed');
    this.backoff.cancel();
    this.receipts.stop();
    this.typing.clear();
    this.socket?.close(CLOSE_CODES.normal, 'client closing');
    this.socket = null;
    const error = new ApiError(0, 'network_error', 'Connection closed');
    this.pending.rejectAll(error);
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error);
  }

  // ---- internals ----

  private open(): void {
    const tokens = this.options.http.currentTokens;
    if (!tokens) {
      this.fail(new ApiError(401, 'unauthenticated', 'Sign in before connecting'));
      return;
    }
    const url = new URL(`${this.options.http.baseUrl}/api/v1/ws`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (this.cursor !== null) {
      url.searchParams.set('since', this.cursor);
      // On a resume, `ready` lists only the heads that moved after the cursor: the replay brings
      // those events anyway, and the rest are where the stream already stands (issue 41).
      url.searchParams.set('heads', 'moved');
    }
    // Browsers cannot set headers on a WebSocket: the token travels in the subprotocol list, never
    // in the URL (browsers print a failed socket's URL in the console; proxies log it).
    const socket = new this.WebSocketImpl(url.toString(), wsSubprotocols(tokens.accessToken));
    this.socket = socket;
    socket.onmessage = (event) => {
      if (this.socket === socket) this.onFrame(String(event.data));
    };
    socket.onclose = (event) => {
      if (this.socket === socket) void this.onClose(event.code);
    };
    socket.onerror = () => {
      /* onclose follows and decides */
    };
  }

  private onFrame(text: string): void {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(text) as ServerFrame;
    } catch {
      return;
    }
    switch (frame.type) {
      case 'ready': {
        this.backoff.reset();
        this.userIdValue = frame.userId;
        const resumed = this.cursor !== null && frame.reset === null;
        this.cursor = frame.cursor;
        // A new socket: what the last one handed on says nothing of what passed in between.
        this.liveSeqs.forget();
        if (resumed) this.stream.compare(frame.heads);
        else this.stream.baseline(frame.heads);
        this.saveState();
        this.setState('open');
        if (frame.reset !== null) this.emitReset({ reason: frame.reset });
        for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
        // Whatever was not acknowledged before the reconnect goes again, same clientId.
        for (const frame of this.pending.frames()) this.socket?.send(frame);
        return;
      }
      case 'heads':
        this.stream.compare(frame.heads);
        return;
      case 'ack':
        this.pending.resolve(frame.id, { message: frame.message, readSeq: frame.readSeq, held: frame.held });
        return;
      case 'error':
        if (frame.id !== null) this.pending.reject(frame.id, frame);
        return;
      case 'pong':
        return;
      default:
        if (!isPositionedEvent(frame)) {
          if (frame.type === 'typing') this.typing.track(frame.conversationId, frame.userId, frame.typing);
          this.handlers.emit(frame);
          return;
        }
        this.advanceCursor(frame.pos);
        this.stream.receive(frame);
        this.saveState();
    }
  }

  protected encryptSend(
    conversationId: string,
    body: string | undefined,
    links: SendOptions,
    clientId: string,
  ): Promise<EncryptedSend | undefined> {
    return (
      this.options.encryption?.encryptSend(conversationId, body, links, clientId, this.liveSeq(conversationId)) ??
      Promise.resolve(undefined)
    );
  }

  /**
   * The seq of the last message this connection handed on in the conversation since its socket
   * became ready, when nothing is held behind a gap: the sender then need not read the log for what
   * it missed. Undefined whenever it cannot say (not open, a gap being filled, no message yet).
   */
  private liveSeq(conversationId: string): number | undefined {
    if (this.stateValue !== 'open' || !this.stream.isCurrent(conversationId)) return undefined;
    return this.liveSeqs.last(conversationId);
  }

  protected encryptRelation(messageId: string, change: RelationChange, clientId: string): Promise<EncryptedRelation | undefined> {
    return (
      this.options.encryption?.encryptRelation(messageId, change, clientId, (conversationId) => this.liveSeq(conversationId)) ??
      Promise.resolve(undefined)
    );
  }

  protected learnEncrypted(conversationId: string, error: unknown): boolean {
    return this.options.encryption?.learnEncrypted(conversationId, error) ?? false;
  }

  protected async reader(message: Message): Promise<Message> {
    return (await this.options.encryption?.decrypt(message)) ?? message;
  }

  private deliverPositioned(event: PositionedEvent): void {
    this.advanceCursor(event.pos);
    this.liveSeqs.handedOn(event, this.userIdValue);
    if (this.decrypting) this.decrypting.push(event);
    else this.emitPositioned(event);
  }

  private emitPositioned(event: PositionedEvent): void {
    this.handlers.emit(event);
    // Not awaited: a stand-in may wait its turn (EncryptedConversations.memberRemoved), and the events go on.
    if (event.type === 'member.removed')
      void this.options.encryption?.memberRemoved(event.conversationId, event.userId).catch(() => undefined);
    if (event.type === 'message.created' && event.message.senderId !== this.userIdValue && this.options.deliveryReceipts !== false) {
      this.receipts.received(conversationOf(event), event.message.seq);
    }
  }

  private advanceCursor(pos: number): void {
    if (this.cursor === null) return;
    const dot = this.cursor.lastIndexOf('.');
    if (pos > Number(this.cursor.slice(dot + 1))) this.cursor = `${this.cursor.slice(0, dot)}.${pos}`;
  }

  private saveState(): void {
    this.cursorStore.save(this.syncState);
  }

  private emitReset(notice: ResetNotice): void {
    this.liveSeqs.forget(notice.conversationId);
    for (const handler of this.resetHandlers) handler(notice);
  }

  /** The network went: give up the socket now (it may linger on a dead link) and reconnect with backoff. */
  private drop(): void {
    const socket = this.socket;
    if (socket === null || this.stateValue === 'closed') return;
    this.socket = null; // its own close event, whenever it comes, is ignored
    try {
      socket.close(CLOSE_CODES.normal, 'network lost');
    } catch {
      // already closing
    }
    void this.onClose(1006);
  }

  /** The network is back: reconnect at once rather than when the backoff's timer would. */
  private reconnectNow(): void {
    if (this.stateValue !== 'reconnecting' || this.socket !== null) return;
    this.backoff.cancel();
    this.backoff.reset();
    this.open();
  }

  private async onClose(code: number): Promise<void> {
    this.socket = null;
    if (this.stateValue === 'closed') return;
    if (code === CLOSE_CODES.sessionRevoked) {
      this.fail(new ApiError(401, 'unauthenticated', 'The session was ended'));
      return;
    }
    if (code === CLOSE_CODES.unauthorized) {
      try {
        await this.options.http.refreshTokens();
      } catch (error) {
        this.fail(error);
        return;
      }
    }
    this.setState('reconnecting');
    this.backoff.schedule(() => {
      if (this.stateValue !== 'closed') this.open();
    });
  }

  private fail(error: unknown): void {
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error);
    this.close();
  }
}
