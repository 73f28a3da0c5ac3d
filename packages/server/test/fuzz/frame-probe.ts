import { WebSocket } from 'ws';
import { ERROR_STATUS } from '@confab/protocol';

/** A frame as sent: text (maybe not UTF-8) or binary. */
export interface Frame {
  data: string | Uint8Array;
  binary: boolean;
  /** Bytes that are not UTF-8 in a text frame: the socket closes with 1007. */
  invalidUtf8?: boolean;
}

/**
 * Close codes a fuzzed socket may end with, each documented in docs/realtime.md: 1007 (a text
 * frame that is not UTF-8, closed by `ws` itself), 1009 (a frame past the hard size cap).
 */
const DOCUMENTED_CLOSES = new Set([1007, 1009]);

/**
 * One signed-in socket that sends fuzzed frames and judges what comes back: after each frame a
 * ping with a fresh id is the barrier ("everything answered"); every frame the server sent must be
 * JSON, every `error` frame in the envelope. A socket the server closed must have closed with a
 * documented code; the probe opens another.
 */
export class FrameProbe {
  private socket: WebSocket | undefined;
  private received: string[] = [];
  private closeCode: number | undefined;
  private barriers = 0;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async exchange(frame: Frame): Promise<string | undefined> {
    const socket = await this.open();
    this.received = [];
    socket.send(frame.data, { binary: frame.binary });
    const id = `barrier-${++this.barriers}`;
    socket.send(JSON.stringify({ type: 'ping', id }));
    const outcome = await this.until(id);
    for (const text of this.received) {
      let parsed: { type?: string; error?: { code?: string; message?: unknown } };
      try {
        parsed = JSON.parse(text) as typeof parsed;
      } catch {
        return `a server frame that is not JSON: ${text.slice(0, 200)}`;
      }
      if (parsed.type === 'error' && (!(String(parsed.error?.code) in ERROR_STATUS) || typeof parsed.error?.message !== 'string')) {
        return `an error frame not in the envelope: ${text.slice(0, 200)}`;
      }
    }
    if (outcome === 'timeout') return `no answer to the barrier after ${describe(frame)}`;
    if (outcome === 'closed') {
      const code = this.closeCode;
      this.socket = undefined;
      if (!DOCUMENTED_CLOSES.has(code ?? 0)) return `closed with ${code} after ${describe(frame)}`;
      if (code === 1007 && !frame.invalidUtf8) return `closed with 1007 after ${describe(frame)}`;
    }
    return undefined;
  }

  close(): void {
    this.socket?.close();
  }

  private async open(): Promise<WebSocket> {
    if (this.socket !== undefined && this.socket.readyState === WebSocket.OPEN) return this.socket;
    const socket = new WebSocket(`${this.url.replace(/^http/, 'ws')}/api/v1/ws`, { headers: { authorization: `Bearer ${this.token}` } });
    this.closeCode = undefined;
    socket.on('message', (data) => this.received.push(data.toString()));
    socket.on('close', (code) => (this.closeCode = code));
    socket.on('error', () => {});
    await new Promise<void>((resolve, reject) => {
      socket.once('message', () => resolve()); // `ready`
      socket.once('close', (code) => reject(new Error(`the probe's socket closed with ${code} while opening`)));
    });
    this.socket = socket;
    return socket;
  }

  private until(id: string): Promise<'answered' | 'closed' | 'timeout'> {
    const socket = this.socket!;
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish('timeout'), 10_000);
      const onMessage = (data: Buffer) => {
        if (data.toString().includes(`"id":"${id}"`)) finish('answered');
      };
      const onClose = () => finish('closed');
      const finish = (outcome: 'answered' | 'closed' | 'timeout') => {
        clearTimeout(timer);
        socket.off('message', onMessage);
        socket.off('close', onClose);
        resolve(outcome);
      };
      socket.on('message', onMessage);
      socket.on('close', onClose);
      if (socket.readyState === WebSocket.CLOSED) finish('closed');
    });
  }
}

function describe(frame: Frame): string {
  const text = typeof frame.data === 'string' ? frame.data : Buffer.from(frame.data).toString('hex');
  return `${frame.binary ? 'binary' : 'text'} frame ${text.slice(0, 120)}${text.length > 120 ? '…' : ''}`;
}
