import type { ErrorFrame, EventOf, Message, ServerEvent, ServerEventType, ServerFrame } from '@confab/protocol';
import { CLOSE_CODES } from '@confab/protocol';
import { ApiError } from './errors.js';
import type { HttpTransport } from './http.js';
import { newClientId } from './ids.js';

/** The part of the WebSocket API the SDK uses: the browser's, Node 22's, and `ws`'s all fit. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface RealtimeOptions {
  http: HttpTransport;
  WebSocket?: WebSocketConstructor;
  /** First reconnect delay; doubles per failed attempt up to the max, with jitter. */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** A send not acknowledged within this time fails (it may still be stored: retry with its clientId). */
  sendTimeoutMs?: number;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

interface PendingSend {
  frame: string;
  resolve: (message: Message) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * One realtime connection that keeps itself open: it reconnects with backoff and jitter,
 * refreshes an expired token, and re-sends unacknowledged messages after a reconnect — with the
 * same clientId, so the server stores each once.
 */
export class RealtimeConnection {
  private socket: WebSocketLike | null = null;
  private stateValue: ConnectionState = 'connecting';
  private readonly handlers = new Map<string, Set<(event: never) => void>>();
  private readonly stateHandlers = new Set<(state: ConnectionState) => void>();
  private readonly pending = new Map<string, PendingSend>();
  private readyWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private attempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private nextFrameId = 1;
  private readonly WebSocketImpl: WebSocketConstructor;

  constructor(private readonly options: RealtimeOptions) {
    const impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!impl) throw new Error('No WebSocket implementation: pass one (e.g. the `ws` package) as options.WebSocket');
    this.WebSocketImpl = impl;
    this.open();
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<T extends ServerEventType>(type: T, handler: (event: EventOf<T>) => void): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as (event: never) => void);
    return () => set.delete(handler as (event: never) => void);
  }

  /** Subscribes to every event. */
  onEvent(handler: (event: ServerEvent) => void): () => void {
    return this.on('*' as ServerEventType, handler as never);
  }

  onStateChange(handler: (state: ConnectionState) => void): () => void {
    this.stateHandlers.add(handler);
    return () => this.stateHandlers.delete(handler);
  }

  /** Resolves when the server has subscribed this connection and events flow. */
  ready(): Promise<void> {
    if (this.stateValue === 'open') return Promise.resolve();
    if (this.stateValue === 'closed') return Promise.reject(new ApiError(0, 'network_error', 'Connection closed'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Sends a message and resolves with the stored message once the server acknowledges it. */
  send(conversationId: string, body: string, clientId: string = newClientId()): Promise<Message> {
    if (this.stateValue === 'closed') return Promise.reject(new ApiError(0, 'network_error', 'Connection closed'));
    const id = String(this.nextFrameId++);
    const frame = JSON.stringify({ type: 'message.send', id, conversationId, clientId, body });
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ApiError(0, 'network_error', 'The send was not acknowledged in time; retry with the same clientId'));
      }, this.options.sendTimeoutMs ?? 30_000);
      this.pending.set(id, { frame, resolve, reject, timer });
      if (this.stateValue === 'open') this.socket?.send(frame);
    });
  }

  close(): void {
    this.setState('closed');
    clearTimeout(this.reconnectTimer);
    this.socket?.close(CLOSE_CODES.normal, 'client closing');
    this.socket = null;
    const error = new ApiError(0, 'network_error', 'Connection closed');
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(error);
      this.pending.delete(id);
    }
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
    // Browsers cannot set headers on a WebSocket, so the token travels as a query parameter.
    url.searchParams.set('access_token', tokens.accessToken);
    const socket = new this.WebSocketImpl(url.toString());
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
      case 'ready':
        this.attempts = 0;
        this.setState('open');
        for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
        // Whatever was not acknowledged before the reconnect goes again, same clientId.
        for (const pending of this.pending.values()) this.socket?.send(pending.frame);
        return;
      case 'ack':
        this.settle(frame.id, (p) => p.resolve(frame.message));
        return;
      case 'error':
        if (frame.id !== null) this.settle(frame.id, (p) => p.reject(toApiError(frame)));
        return;
      case 'pong':
        return;
      default:
        this.emit(frame);
    }
  }

  private settle(id: string, action: (pending: PendingSend) => void): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    action(pending);
  }

  private emit(event: ServerEvent): void {
    for (const key of [event.type, '*']) {
      for (const handler of this.handlers.get(key) ?? []) (handler as (e: ServerEvent) => void)(event);
    }
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
    const min = this.options.minReconnectDelayMs ?? 250;
    const max = this.options.maxReconnectDelayMs ?? 10_000;
    const delay = Math.min(max, min * 2 ** this.attempts) * (0.5 + Math.random() / 2);
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => {
      if (this.stateValue !== 'closed') this.open();
    }, delay);
  }

  private fail(error: unknown): void {
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(error);
    this.close();
  }

  private setState(state: ConnectionState): void {
    if (this.stateValue === state) return;
    this.stateValue = state;
    for (const handler of this.stateHandlers) handler(state);
  }
}

function toApiError(frame: ErrorFrame): ApiError {
  return new ApiError(0, frame.error.code, frame.error.message, frame.error.details);
}
