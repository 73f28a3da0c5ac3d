import WebSocket from 'ws';
import type { Arrival } from './tally.js';

/**
 * A WebSocket client with no SDK: no gap detection, no gap fill, no `prev` checks. It keeps the
 * `cursor` of the last positioned event it received (or of the last `ready`) and, when its
 * connection ends, reconnects with `since=<that cursor>`, as docs/realtime.md tells a plain client
 * to. Whatever the server does not send it by itself, it never gets: the suite's proof that the
 * server's own resume and gap fill suffice.
 */
export class RawClient {
  readonly arrivals: Arrival[] = [];
  socket: WebSocket | undefined;
  private cursor: string | undefined;
  private closed = false;
  private readyWaiters: (() => void)[] = [];
  /** `ready` frames whose `reset` was not null after the first: a resume the server could not honour. */
  resets = 0;
  reconnects = 0;
  /** Close codes seen, for the report. */
  readonly closeCodes: number[] = [];
  /** When each `ready` came, and each close (performance.now()), for the report. */
  readonly readyAt: number[] = [];
  readonly closedAt: number[] = [];

  constructor(
    readonly name: string,
    private readonly baseUrl: string,
    private readonly accessToken: string,
    private readonly conversationId: string,
  ) {}

  /** Connects and resolves on the first `ready`. */
  start(): Promise<void> {
    const ready = this.ready();
    this.open();
    return ready;
  }

  ready(): Promise<void> {
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  /** Stops reading the socket (a slow consumer): the kernel's buffers fill, then the server's. */
  pause(): void {
    this.socket?.pause();
  }

  resume(): void {
    this.socket?.resume();
  }

  close(): void {
    this.closed = true;
    this.socket?.terminate();
  }

  private open(): void {
    const url = new URL(`${this.baseUrl.replace(/^http/, 'ws')}/api/v1/ws`);
    url.searchParams.set('access_token', this.accessToken);
    if (this.cursor !== undefined) url.searchParams.set('since', this.cursor);
    const socket = new WebSocket(url);
    this.socket = socket;
    // FAULTS_TRACE=1 prints each connection's milestones (where a slow recovery spent its time).
    if (process.env['FAULTS_TRACE']) {
      const t0 = performance.now();
      const trace = (what: string) => process.stdout.write(`  [${this.name}] ${what} +${Math.round(performance.now() - t0)} ms\n`);
      socket.once('upgrade', () => trace('upgraded'));
      socket.once('message', () => trace('first frame'));
      socket.once('close', (code) => trace(`closed ${code}`));
    }
    socket.on('message', (data: Buffer) => this.onFrame(data.toString('utf8')));
    socket.on('error', () => {}); // 'close' follows
    socket.on('close', (code) => {
      this.closeCodes.push(code);
      this.closedAt.push(performance.now());
      if (this.closed || this.socket !== socket) return;
      this.reconnects += 1;
      setTimeout(() => this.open(), 100 + Math.random() * 200);
    });
  }

  private onFrame(text: string): void {
    const frame = JSON.parse(text) as {
      type: string;
      cursor?: string;
      reset?: string | null;
      message?: { conversationId: string; seq: number };
    };
    if (frame.type === 'ready') {
      if (frame.reset !== null && this.cursor !== undefined) this.resets += 1;
      this.cursor = frame.cursor;
      this.readyAt.push(performance.now());
      for (const resolve of this.readyWaiters.splice(0)) resolve();
      return;
    }
    if (typeof frame.cursor === 'string') this.cursor = frame.cursor; // every positioned event carries one
    if (frame.type === 'message.created' && frame.message?.conversationId === this.conversationId) {
      this.arrivals.push({ seq: frame.message.seq, at: performance.now() });
    }
  }
}
