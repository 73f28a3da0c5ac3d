import { startsWith } from './server-frames.js';
import type { BenchSocket } from './sockets.js';

/**
 * One client of the reconnect storm (storm.ts): keeps the resume cursor the way the SDK does
 * (`<epoch>.<pos>`, the epoch from `ready`, the pos of the last positioned event received) and
 * records, per `seq` of its conversation, when a `message.created` first arrived and how often.
 */

/** Per `seq` (1, 2, …): when it was first recorded and how many times. Grows as seqs arrive. */
export class SeqRecord {
  private times = new Float64Array(256).fill(NaN);
  private counts = new Uint16Array(256);
  /** Seqs recorded at least once. */
  distinct = 0;
  /** Records beyond the first, over all seqs. */
  duplicates = 0;
  maxSeq = 0;

  /** Returns how many times `seq` has now been recorded. */
  record(seq: number, now: number): number {
    if (seq >= this.counts.length) this.grow(seq);
    const count = this.counts[seq]! + 1;
    this.counts[seq] = Math.min(count, 0xffff);
    if (count === 1) {
      this.times[seq] = now;
      this.distinct += 1;
    } else this.duplicates += 1;
    if (seq > this.maxSeq) this.maxSeq = seq;
    return count;
  }

  /** When `seq` was first recorded; NaN if never. */
  timeOf(seq: number): number {
    return seq < this.times.length ? this.times[seq]! : NaN;
  }

  has(seq: number): boolean {
    return seq < this.counts.length && this.counts[seq]! > 0;
  }

  private grow(seq: number): void {
    let size = this.counts.length;
    while (size <= seq) size *= 2;
    const times = new Float64Array(size).fill(NaN);
    times.set(this.times);
    const counts = new Uint16Array(size);
    counts.set(this.counts);
    this.times = times;
    this.counts = counts;
  }
}

// ---- reading the frames the server writes ----

export interface CreatedFields {
  conversationId: string;
  seq: number;
  pos: number;
  prev: number;
}

const CREATED = Buffer.from('{"type":"message.created"');
const READY = Buffer.from('{"type":"ready"');
const PRESENCE = Buffer.from('{"type":"presence"');
const KEY_CONVERSATION = Buffer.from('"conversationId":"');
const KEY_SEQ = Buffer.from('"seq":');
const KEY_POS = Buffer.from('"pos":');
const KEY_PREV = Buffer.from('"prev":');

/** The non-negative integer written right after `key` at `at`; NaN if there is none. */
function intAt(data: Buffer, at: number, key: Buffer): number {
  if (at < 0) return NaN;
  let p = at + key.length;
  let value = 0;
  const start = p;
  while (p < data.length && data[p]! >= 0x30 && data[p]! <= 0x39) value = value * 10 + (data[p++]! - 0x30);
  return p === start ? NaN : value;
}

/**
 * The fields of a `message.created` frame, found by key rather than by a JSON parse (2,000
 * clients receive ~20,000 of them a second on a machine shared with the server). `pos` and
 * `prev` are the event's own, the last of their keys in the frame: message bodies never contain
 * them here (the bench writes them), and the message object has neither key. Anything of another
 * shape goes through JSON.parse.
 */
export function readCreated(data: Buffer): CreatedFields | null {
  if (!startsWith(data, CREATED)) return null;
  const c = data.indexOf(KEY_CONVERSATION);
  const cEnd = c < 0 ? -1 : data.indexOf(0x22 /* " */, c + KEY_CONVERSATION.length);
  const seq = intAt(data, data.indexOf(KEY_SEQ), KEY_SEQ);
  const pos = intAt(data, data.lastIndexOf(KEY_POS), KEY_POS);
  const prev = intAt(data, data.lastIndexOf(KEY_PREV), KEY_PREV);
  if (cEnd < 0 || Number.isNaN(seq) || Number.isNaN(pos) || Number.isNaN(prev)) return null;
  return { conversationId: data.toString('latin1', c + KEY_CONVERSATION.length, cEnd), seq, pos, prev };
}

/** The seq of the stored message in an `ack` frame; NaN without one. */
export function ackSeq(data: Buffer): number {
  return intAt(data, data.indexOf(KEY_SEQ), KEY_SEQ);
}

interface ParsedFrame {
  type?: unknown;
  pos?: unknown;
  prev?: unknown;
  cursor?: unknown;
  reset?: unknown;
  message?: { conversationId?: unknown; seq?: unknown };
}

// ---- the client ----

export class StormClient {
  socket: BenchSocket | null = null;
  private epoch = '';
  /** The pos of the last positioned event received (or of the last `ready` cursor, if later). */
  private lastPos = 0;
  /** From the start of a (re)connection attempt until its `ready`: what arrives meanwhile is replay. */
  private awaitingReady = false;
  /** The pos of the last event of the conversation received, to check each event's `prev`. */
  private conversationPos = 0;
  readonly seqs = new SeqRecord();
  readyAt = NaN;
  /** Positioned events received before `ready` on resumed connections. */
  replayed = 0;
  /** `ready` frames that could not resume the cursor (`reset` not null). */
  resets = 0;
  /** `seq`s that arrived below one already received. */
  outOfOrder = 0;
  /** Events whose `prev` is not the pos of the last event received of the conversation. */
  chainBreaks = 0;
  /** Connection attempts that failed (no `ready`); each is retried. */
  failedAttempts = 0;
  /** Connections that closed without the bench closing them. */
  unexpectedCloses = 0;
  presenceFrames = 0;
  /** Set once the client holds every acknowledged message of its conversation. */
  caughtUp = false;

  constructor(
    readonly index: number,
    readonly conversationId: string,
  ) {}

  /** The `since` to resume from, or undefined before the first `ready`. */
  get cursor(): string | undefined {
    return this.epoch === '' ? undefined : `${this.epoch}.${this.lastPos}`;
  }

  beginAttempt(): void {
    this.awaitingReady = true;
  }

  readonly onFrame = (data: Buffer): void => {
    const now = performance.now();
    const created = readCreated(data);
    if (created) return this.onCreated(created, now);
    if (startsWith(data, PRESENCE)) this.presenceFrames += 1;
    else if (startsWith(data, READY) || data.includes(KEY_POS)) this.onOther(data, now);
  };

  private onCreated(event: CreatedFields, now: number): void {
    this.onPositioned(event.pos);
    if (event.conversationId !== this.conversationId) return;
    if (this.conversationPos > 0 && event.prev !== this.conversationPos) this.chainBreaks += 1;
    this.conversationPos = event.pos;
    if (event.seq < this.seqs.maxSeq) this.outOfOrder += 1;
    this.seqs.record(event.seq, now);
  }

  private onPositioned(pos: number): void {
    if (this.awaitingReady) this.replayed += 1;
    if (pos > this.lastPos) this.lastPos = pos;
  }

  private onOther(data: Buffer, now: number): void {
    let frame: ParsedFrame;
    try {
      frame = JSON.parse(data.toString('utf8')) as ParsedFrame;
    } catch {
      return;
    }
    if (frame.type === 'ready' && typeof frame.cursor === 'string') {
      const dot = frame.cursor.lastIndexOf('.');
      if (frame.reset !== null && this.epoch !== '') this.resets += 1;
      this.epoch = frame.cursor.slice(0, dot);
      this.lastPos = Math.max(this.lastPos, Number(frame.cursor.slice(dot + 1)));
      this.awaitingReady = false;
      this.readyAt = now;
      return;
    }
    const { message } = frame;
    if (frame.type === 'message.created' && message && typeof frame.pos === 'number' && typeof frame.prev === 'number') {
      this.onCreated({ conversationId: String(message.conversationId), seq: Number(message.seq), pos: frame.pos, prev: frame.prev }, now);
    } else if (typeof frame.pos === 'number') this.onPositioned(frame.pos);
  }
}
