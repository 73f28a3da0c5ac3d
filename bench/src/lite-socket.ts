import { createHash, randomBytes } from 'node:crypto';
import { type Socket, connect } from 'node:net';
import { READY, redact, startsWith } from './server-frames.js';
import type { BenchSocket, OpenOptions } from './sockets.js';

// The generator's default client (`lite`): a minimal RFC 6455 client on a bare net.Socket.

const ignore = () => {};

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;

export class LiteSocket implements BenchSocket {
  onFrame: (data: Buffer) => void = ignore;
  onClose: () => void = ignore;
  open = true;
  private rest: Buffer | null = null;
  private fragments: Buffer[] | null = null;
  private readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => {
      this.open = false;
      this.onClose();
    });
  }

  static connect(url: string, { timeoutMs = 20_000, onFrame }: OpenOptions): Promise<BenchSocket> {
    const target = new URL(url);
    const key = randomBytes(16).toString('base64');
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    return new Promise((resolve, reject) => {
      const socket = connect({ host: target.hostname, port: Number(target.port), noDelay: true });
      let lite: LiteSocket | undefined;
      let head = Buffer.alloc(0);
      let done = false;
      const fail = (error: Error) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        socket.destroy();
        reject(error);
      };
      const timer = setTimeout(() => fail(new Error(`no "ready" from ${redact(url)} within ${timeoutMs} ms`)), timeoutMs);
      socket.on('error', (error) => fail(error));
      socket.on('close', () => fail(new Error(`connection to ${redact(url)} closed before "ready"`)));
      socket.on('connect', () => {
        socket.write(
          `GET ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
            `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
        );
      });
      const onHandshake = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > 16_384) fail(new Error('oversized handshake response'));
          return;
        }
        const response = head.toString('latin1', 0, end);
        if (!/^HTTP\/1\.1 101 /.test(response) || !response.toLowerCase().includes(`sec-websocket-accept: ${accept.toLowerCase()}`)) {
          return fail(new Error(`upgrade refused: ${response.split('\r\n')[0]}`));
        }
        socket.off('data', onHandshake);
        lite = new LiteSocket(socket);
        // Until "ready", frames go to this handler; then the socket is handed over.
        lite.onFrame = (data) => {
          if (done) return;
          onFrame?.(data);
          if (!startsWith(data, READY)) return;
          done = true;
          clearTimeout(timer);
          lite!.onFrame = onFrame ?? ignore;
          resolve(lite!);
        };
        socket.on('data', (data: Buffer) => lite!.onData(data));
        if (head.length > end + 4) lite.onData(head.subarray(end + 4));
      };
      socket.on('data', onHandshake);
    });
  }

  send(text: string): void {
    if (this.open) this.socket.write(frame(OP_TEXT, Buffer.from(text, 'utf8')));
  }

  async close(timeoutMs = 5000): Promise<void> {
    this.onFrame = ignore;
    if (!this.open) return;
    const code = Buffer.alloc(2);
    code.writeUInt16BE(1000);
    this.socket.end(frame(OP_CLOSE, code));
    const timer = setTimeout(() => this.socket.destroy(), timeoutMs);
    await this.closed;
    clearTimeout(timer);
  }

  terminate(): void {
    this.onFrame = ignore;
    this.socket.destroy();
  }

  /** Parses every complete frame in the data received so far; keeps the incomplete tail. */
  private onData(chunk: Buffer): void {
    const buf = this.rest === null ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = null;
    let p = 0;
    while (buf.length - p >= 2) {
      const b0 = buf[p]!;
      const b1 = buf[p + 1]!;
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (buf.length - p < 4) break;
        length = buf.readUInt16BE(p + 2);
        header = 4;
      } else if (length === 127) {
        if (buf.length - p < 10) break;
        length = Number(buf.readBigUInt64BE(p + 2));
        header = 10;
      }
      if (b1 & 0x80) {
        // A server must not mask its frames (RFC 6455 §5.1).
        this.socket.destroy();
        return;
      }
      if (buf.length - p < header + length) break;
      this.onWireFrame(b0 & 0x80, b0 & 0x0f, buf.subarray(p + header, p + header + length));
      p += header + length;
    }
    if (p < buf.length) this.rest = buf.subarray(p);
  }

  private onWireFrame(fin: number, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case OP_TEXT:
      case OP_BINARY:
        if (fin) this.onFrame(payload);
        else this.fragments = [Buffer.from(payload)];
        return;
      case OP_CONTINUATION:
        if (!this.fragments) return;
        this.fragments.push(Buffer.from(payload));
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = null;
          this.onFrame(whole);
        }
        return;
      case OP_PING:
        if (this.open) this.socket.write(frame(0xa, payload));
        return;
      case OP_CLOSE:
        if (this.open) this.socket.end(frame(OP_CLOSE, payload.subarray(0, 2)));
        return;
      default:
        return; // pong
    }
  }
}

/** A client frame: FIN set, masked as RFC 6455 requires of clients. */
function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + 4 + length);
  out[0] = 0x80 | opcode;
  if (header === 2) out[1] = 0x80 | length;
  else if (header === 4) {
    out[1] = 0x80 | 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 0x80 | 127;
    out.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(out, header);
  for (let i = 0; i < length; i++) out[header + 4 + i] = payload[i]! ^ mask[i & 3]!;
  return out;
}
