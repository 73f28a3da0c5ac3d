import { classify } from './server-frames.js';
import type { BenchSocket } from './sockets.js';

export interface ChannelEvents {
  /**
   * `stamp` is what was passed to send() (the send time, or the scheduled time when open loop);
   * `data` is the ack frame (with the stored message), valid during the call only.
   */
  ack(channel: SendChannel, stamp: number, now: number, data: Buffer, id: number): void;
  error(channel: SendChannel, code: string, stamp: number | undefined, id: number): void;
}

/**
 * One client's sending side over a raw socket: writes `message.send` frames and matches each
 * `ack` (or `error`) to its send by frame id. Every frame other than ack and error (the members'
 * `message.created` copies, which every member's socket receives) is only counted.
 */
export class SendChannel {
  private nextId = 1;
  private readonly pending = new Map<number, number>();
  private readonly pad: string;
  eventsReceived = 0;
  closed = false;
  /** Set by the phase that drives the channel. */
  events: ChannelEvents = { ack() {}, error() {} };

  constructor(
    readonly socket: BenchSocket,
    readonly index: number,
    readonly conversationId: string,
    private tag: string,
    bodyBytes: number,
  ) {
    this.pad = 'x'.repeat(Math.max(1, bodyBytes));
    socket.onFrame = (data) => this.onFrame(data);
    socket.onClose = () => (this.closed = true);
  }

  get outstanding(): number {
    return this.pending.size;
  }

  /** The stamps of the sends still waiting for an answer. */
  pendingStamps(): IterableIterator<number> {
    return this.pending.values();
  }

  /** Each phase uses its own clientId prefix: a (sender, clientId) pair is stored once. */
  setTag(tag: string): void {
    this.tag = tag;
  }

  send(stamp: number): void {
    if (this.closed) return;
    const id = this.nextId++;
    this.pending.set(id, stamp);
    const head = `${this.tag}${this.index}.${id} `;
    const body = head.length >= this.pad.length ? head : head + this.pad.slice(head.length);
    // Hand-built JSON: every field is ASCII without quotes or backslashes.
    this.socket.send(
      `{"type":"message.send","id":"${id}","conversationId":"${this.conversationId}","clientId":"${this.tag}-${this.index}-${id}","body":"${body}"}`,
    );
  }

  /**
   * Any other request frame (edit, delete, reaction), built around the frame id this channel
   * matches its answer by; returns that id.
   */
  sendFrame(stamp: number, build: (id: number) => string): number {
    const id = this.nextId++;
    if (this.closed) return id;
    this.pending.set(id, stamp);
    this.socket.send(build(id));
    return id;
  }

  /** A `message.send` with extra JSON fields (`"replyToId":"…"`), as `send` otherwise. */
  sendWith(stamp: number, extra: string): number {
    return this.sendFrame(stamp, (id) => {
      const head = `${this.tag}${this.index}.${id} `;
      const body = head.length >= this.pad.length ? head : head + this.pad.slice(head.length);
      return `{"type":"message.send","id":"${id}","conversationId":"${this.conversationId}","clientId":"${this.tag}-${this.index}-${id}","body":"${body}"${extra}}`;
    });
  }

  private onFrame(data: Buffer): void {
    const frame = classify(data);
    if (frame.kind === 'created') {
      this.eventsReceived += 1;
      return;
    }
    const now = performance.now();
    if (frame.kind === 'ack') {
      const id = Number(frame.id);
      const stamp = this.pending.get(id);
      if (stamp === undefined) return;
      this.pending.delete(id);
      this.events.ack(this, stamp, now, data, id);
    } else if (frame.kind === 'error') {
      const id = frame.id === null ? NaN : Number(frame.id);
      const stamp = this.pending.get(id);
      this.pending.delete(id);
      this.events.error(this, frame.code, stamp, id);
    }
  }
}

/** Waits until no channel has outstanding sends, or the timeout passes; returns how many remain. */
export async function drain(channels: readonly SendChannel[], timeoutMs: number): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const waiting = () => channels.some((c) => !c.closed && c.outstanding > 0);
  while (waiting() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // Sends on a closed socket will never be answered: they count as unacknowledged too.
  return channels.reduce((n, c) => n + c.outstanding, 0);
}
