import type { PositionedEvent } from '@confab/protocol';
import type { BusMessage } from '../bus/bus.js';

/** What to do with a live event of a conversation, for one socket. */
export type Admission = 'send' | 'drop' | 'hold' | 'fill';

/**
 * One conversation as one socket has been sent it: the position of the last event sent, and the
 * live events held back while a gap before them is filled from the log. Events leave in `pos`
 * order, each once: a live event whose `prev` is ahead of what was sent waits for the fill.
 */
export class ConversationStream {
  /** Live events held while a fill runs (null: none runs), in arrival order. */
  private held: BusMessage[] | null = null;
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
      this.held.push(message);
      return 'hold';
    }
    if (prev > this.sentPos) {
      this.held = [message];
      return 'fill';
    }
    this.sentPos = pos;
    return 'send';
  }

  /** Something says the log may be ahead (a resync, the live check, a join): true when the caller is to fill now. */
  beginFill(): boolean {
    if (this.left) return false;
    if (this.held !== null) {
      this.again = true;
      return false;
    }
    this.held = [];
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
    return undefined;
  }

  /** The fill failed: whatever was held goes out as it is (the client sees the gap in `prev`). */
  abandonFill(): BusMessage[] {
    const held = this.held ?? [];
    this.held = null;
    this.again = false;
    for (const message of held) this.sentPos = Math.max(this.sentPos, (message.event as PositionedEvent).pos);
    return held;
  }

  /** The user was removed at `pos`: later events of the conversation are not theirs. */
  leave(pos: number): void {
    this.left = true;
    this.sentPos = Math.max(this.sentPos, pos);
    this.held = null;
  }
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
