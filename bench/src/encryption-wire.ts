/**
 * What one SDK client of the encryption phase puts on the wire and waits for: every HTTP call
 * (route, time, bytes each way) through the client's `fetch` option, and every WebSocket frame
 * (type, payload bytes, clientId) through its `WebSocket` option, a `ws` socket that notes each
 * frame as it is written or read. The SDK itself is unchanged: only the platform it is given.
 */
import type { WebSocketConstructor } from '@confab/client';
import WebSocket from 'ws';
import { routeOf } from './encryption-plan.js';

export interface HttpCall {
  route: string;
  /** performance.now() when the call started, and how long until its body was read. */
  at: number;
  ms: number;
  requestBytes: number;
  /** The response's Content-Length (0 when it had none). */
  responseBytes: number;
}

export interface WireFrame {
  direction: 'out' | 'in';
  /** The frame's `type` (`message.send`, `ack`, `message.created`, …). */
  type: string;
  /** Payload bytes (UTF-8 JSON; the server does not compress frames). */
  bytes: number;
  /** The send's clientId, or the delivered message's. */
  clientId: string | undefined;
  at: number;
  /** The payload itself, kept only for the frames `keepText` selects (a send's `mls` is read from it). */
  text?: string;
}

const TYPE = /^\{"type":"([^"]+)"/;
const CLIENT_ID = /"clientId":"([^"]+)"/;

export class DeviceMeter {
  readonly calls: HttpCall[] = [];
  readonly frames: WireFrame[] = [];
  /** Which frames keep their text (a send's, to read the ciphertext's size); none by default. */
  keepText: (frame: WireFrame) => boolean = () => false;

  readonly fetch: typeof fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const body = typeof init?.body === 'string' ? init.body : undefined;
    const at = performance.now();
    const response = await fetch(input, init);
    // The SDK reads every body; reading a copy here times the call to its last byte.
    const text = await response.clone().arrayBuffer();
    this.calls.push({
      route: routeOf(method, url, body),
      at,
      ms: performance.now() - at,
      requestBytes: body === undefined ? 0 : Buffer.byteLength(body),
      responseBytes: text.byteLength,
    });
    return response;
  };

  readonly WebSocket: WebSocketConstructor;

  constructor() {
    const note = (direction: WireFrame['direction'], data: string) => this.note(direction, data);
    class MeteredWebSocket extends WebSocket {
      constructor(url: string, protocols: string[]) {
        super(url, protocols);
        this.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary) note('in', data.toString('utf8'));
        });
      }

      override send(data: unknown, ...rest: unknown[]): void {
        if (typeof data === 'string') note('out', data);
        (super.send as (...args: unknown[]) => void)(data, ...rest);
      }
    }
    this.WebSocket = MeteredWebSocket as unknown as WebSocketConstructor;
  }

  /** The calls started at or after `from` (and before `to`). */
  callsBetween(from: number, to = Number.POSITIVE_INFINITY): HttpCall[] {
    return this.calls.filter((c) => c.at >= from && c.at < to);
  }

  /** The frame of this direction and type carrying `clientId` (each send's clientId is its own). */
  frameOf(direction: WireFrame['direction'], type: string, clientId: string): WireFrame | undefined {
    // From the newest: the frame sought is among the last few.
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f.direction === direction && f.type === type && f.clientId === clientId) return f;
    }
    return undefined;
  }

  private note(direction: WireFrame['direction'], text: string): void {
    const frame: WireFrame = {
      direction,
      type: TYPE.exec(text)?.[1] ?? 'other',
      bytes: Buffer.byteLength(text),
      clientId: CLIENT_ID.exec(text)?.[1],
      at: performance.now(),
    };
    if (this.keepText(frame)) frame.text = text;
    this.frames.push(frame);
  }
}
