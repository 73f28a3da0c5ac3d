import type { PositionedEvent } from '@confab/protocol';
import type { BusMessage } from '../bus/bus.js';

/** What to do with a live event of a conversation, for one socket. */
export type Admission = 'send' | 'drop' | 'hold' | 'fill';

/**
 * One conversation as one socket has been sent it: the position of the last event sent, and the
 * live events held back while a gap before them is filled. Events leave in `pos` order, each once:
 * a live event whose `prev` is ahead of what was sent waits for the fill.
 *
 * A gap first waits a moment for the bus (`awaitingBus`): with several nodes, each publishes what
 * it committed, so a conversation's events can arrive out of order, the missing one a few
 * milliseconds behind. When it comes, the held events follow it (`drainHeld`) and the log is not
 * read; only a gap still open when the wait ends is filled from the log.
 */
export class ConversationStream {
  /** Live events held while a fill runs (null: none runs), in `pos` order. */
  private held: BusMessage[] | null = null;
  /** The fill began at a live event's gap and has not read the log yet: the bus may still close it. */
  awaitingBus = false;
  /** Asked to fill again while a fill ran: it reads the log once more before it ends. */
  private again = false;
  /** The user left the conversation: nothing after `sent` is theirs. */
  private left = false;

  constructor(private sentPos: number) {}

  /** Position of the last event of the conversation this socket was sent (or that precedes its stream). */
  get sent(): number {
    return this.sentPos;
  }

  get filling(): boolean {
    return this.held !== null;
  }

  /** A live event: `send` it (now counted as sent), `drop` a duplicate, `hold` it behind a fill, or `fill` first (held). */
  admit(message: BusMessage): Admission {
    const { pos, prev } = message.event as PositionedEvent;
    if (this.left || pos <= this.sentPos) return 'drop';
    if (this.held !== null) {
      hold(this.held, message);
      return 'hold';
    }
    if (prev > this.sentPos) {
      this.held = [message];
      this.awaitingBus = true;
      return 'fill';
    }
    this.sentPos = pos;
    return 'send';
  }

  /**
   * Something says the log may be ahead (a resync, the live check, a join): true when the caller
   * is to fill now (a fill still awaiting the bus then stops waiting and reads the log).
   */
  beginFill(): boolean {
    if (this.left) return false;
    if (this.held !== null) {
      if (this.awaitingBus) {
        this.awaitingBus = false;
        return true;
      }
      this.again = true;
      return false;
    }
    this.held = [];
    return true;
  }

  /**
   * While the fill awaits the bus: the held events that now follow what was sent, in order (each
   * counted as sent). The fill is over when none is left held.
   */
  drainHeld(): BusMessage[] {
    const out: BusMessage[] = [];
    if (!this.awaitingBus) return out;
    // No fill is asked for again while waiting, so `nextHeld` ends the fill once nothing is held.
    for (let next = this.nextHeld(); next !== undefined && next !== 'gap'; next = this.nextHeld()) out.push(next);
    return out;
  }

  /** The wait for the bus is over with the gap still open: true when the caller is to read the log now. */
  stopAwaitingBus(): boolean {
    if (!this.awaitingBus || this.held === null) return false;
    this.awaitingBus = false;
    return true;
  }

  /** An event read from the log during a fill: true when it is to be sent (it is then counted as sent). */
  take(pos: number): boolean {
    if (this.left || pos <= this.sentPos) return false;
    this.sentPos = pos;
    return true;
  }

  /**
   * After the log was read to its end: the next held event to send, `gap` when the log must be
   * read again first (a held event is still ahead, or a fill was asked for meanwhile), or
   * undefined when the fill is over.
   */
  nextHeld(): BusMessage | 'gap' | undefined {
    const held = this.held ?? [];
    while (held.length > 0) {
      const { pos, prev } = held[0]!.event as PositionedEvent;
      if (this.left || pos <= this.sentPos) {
        held.shift();
        continue;
      }
      if (prev > this.sentPos) return 'gap';
      this.sentPos = pos;
      return held.shift();
    }
    if (this.again) {
      this.again = false;
      return 'gap';
    }
    this.held = null;
    this.awaitingBus = false;
    return undefined;
  }

  /** The fill failed: whatever was held goes out as it is (the client sees the gap in `prev`). */
  abandonFill(): BusMessage[] {
    const held = this.held ?? [];
    this.held = null;
    this.again = false;
    this.awaitingBus = false;
    for (const message of held) this.sentPos = Math.max(this.sentPos, (message.event as PositionedEvent).pos);
    return held;
  }

  /** The user was removed at `pos`: later events of the conversation are not theirs. */
  leave(pos: number): void {
    this.left = true;
    this.sentPos = Math.max(this.sentPos, pos);
    this.held = null;
    this.awaitingBus = false;
  }
}

/** Puts a live event among the held ones by `pos` (they arrive nearly in order: a short search from the end). */
function hold(held: BusMessage[], message: BusMessage): void {
  const pos = (message.event as PositionedEvent).pos;
  let at = held.length;
  while (at > 0 && (held[at - 1]!.event as PositionedEvent).pos > pos) at -= 1;
  held.splice(at, 0, message);
}

/** A socket's conversations, each a stream in order; a conversation not seen yet starts at `floor`. */
export class ConversationOrder {
  private readonly streams = new Map<string, ConversationStream>();
  /** Everything at or below it reached the socket by replay, or precedes its stream (`ready.cursor`). */
  floor = 0;

  of(conversationId: string): ConversationStream {
    let stream = this.streams.get(conversationId);
    if (stream === undefined) this.streams.set(conversationId, (stream = new ConversationStream(this.floor)));
    return stream;
  }

  /**
   * The user joined at event `pos`, whose predecessor is `prev`: a new stream from there (what
   * came before is not theirs), unless the current one already went past it (a duplicate).
   */
  join(conversationId: string, pos: number, prev: number): ConversationStream {
    const current = this.streams.get(conversationId);
    if (current !== undefined && current.sent >= pos) return current;
    const stream = new ConversationStream(prev);
    this.streams.set(conversationId, stream);
    return stream;
  }

  /** The stream now in use for the conversation (a fill checks it was not replaced by a join). */
  current(conversationId: string): ConversationStream | undefined {
    return this.streams.get(conversationId);
  }
}
