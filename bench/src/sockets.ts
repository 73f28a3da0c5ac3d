import WebSocket from 'ws';
import { LiteSocket } from './lite-socket.js';
import { READY, redact, startsWith } from './server-frames.js';
import { mapPool } from './stats.js';

/**
 * Client sockets of the load generator. Two implementations of one small interface:
 *  - `lite` (the default, `lite-socket.ts`): a minimal RFC 6455 client on a bare net.Socket.
 *    Server frames are parsed in place, with no stream layer between the socket and the handler,
 *    so the generator spends as little CPU per received frame as it can: with 1,000 sockets it
 *    shares two cores with the server, and a heavy client would cap what is measured.
 *  - `ws`: the `ws` package's client, for comparison (`--client ws`).
 * Both wait for the server's `ready` frame before resolving.
 */
export interface BenchSocket {
  readonly open: boolean;
  /** Writes one text frame. */
  send(text: string): void;
  /** Called with each text frame; the buffer is only valid during the call. */
  onFrame: (data: Buffer) => void;
  onClose: () => void;
  /** Closing handshake, bounded by `timeoutMs`, then the connection is destroyed. */
  close(timeoutMs?: number): Promise<void>;
  /** Drops the connection at once, without a close frame, as a failing network would. */
  terminate(): void;
}

export interface OpenOptions {
  /** No `ready` within this long fails the attempt (default 20 s). */
  timeoutMs?: number;
  /**
   * Receives every frame from the first on: those before `ready` (a resume's replay), `ready`
   * itself and then everything after it, with no frame dropped while the caller takes the socket.
   * Without it, frames before `ready` are ignored and `onFrame` starts empty.
   */
  onFrame?: (data: Buffer) => void;
}

export type ClientKind = 'lite' | 'ws';

// ---- opening and closing many ----

export function openSocket(url: string, kind: ClientKind, options: OpenOptions = {}): Promise<BenchSocket> {
  return kind === 'lite' ? LiteSocket.connect(url, options) : WsSocket.connect(url, options);
}

export function openSockets(urls: readonly string[], kind: ClientKind, concurrency: number): Promise<BenchSocket[]> {
  return mapPool(urls, concurrency, (url) => openSocket(url, kind));
}

export async function closeSockets(sockets: readonly BenchSocket[], timeoutMs = 5000): Promise<void> {
  await Promise.all(sockets.map((s) => s.close(timeoutMs)));
}

const ignore = () => {};

// ---- the `ws` client ----

class WsSocket implements BenchSocket {
  onFrame: (data: Buffer) => void = ignore;
  onClose: () => void = ignore;

  private constructor(private readonly ws: WebSocket) {
    ws.on('close', () => this.onClose());
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  static connect(url: string, { timeoutMs = 20_000, onFrame }: OpenOptions): Promise<BenchSocket> {
    return new Promise((resolve, reject) => {
      // The server's frames are its own JSON: skipping UTF-8 validation keeps the receive cost down.
      const ws = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
      let socket: WsSocket | undefined;
      const fail = (error: Error) => {
        if (socket) return;
        clearTimeout(timer);
        ws.terminate();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`no "ready" from ${redact(url)} within ${timeoutMs} ms`)), timeoutMs);
      ws.on('message', (data) => {
        const buffer = data as Buffer;
        if (socket) return socket.onFrame(buffer);
        onFrame?.(buffer);
        if (startsWith(buffer, READY)) {
          clearTimeout(timer);
          socket = new WsSocket(ws);
          if (onFrame) socket.onFrame = onFrame;
          resolve(socket);
        }
      });
      ws.on('close', (code, reason) => fail(new Error(`socket closed before "ready": ${code} ${reason.toString()}`)));
      // An 'error' without a listener would crash the process; a close follows.
      ws.on('error', (error) => fail(error));
    });
  }

  send(text: string): void {
    this.ws.send(text);
  }

  close(timeoutMs = 5000): Promise<void> {
    this.onFrame = ignore;
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      const timer = setTimeout(() => {
        this.ws.terminate();
        resolve();
      }, timeoutMs);
      this.ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ws.close(1000, 'bench done');
    });
  }

  terminate(): void {
    this.onFrame = ignore;
    this.ws.terminate();
  }
}
