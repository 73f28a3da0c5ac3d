import { type EventPage, type Heads, type PositionedEvent, conversationOf, isPrivateEvent } from '@confab/protocol';
import { ApiError } from './errors.js';
import type { HttpTransport } from './http.js';
import { EventsApi } from './long-poll.js';

/**
 * What a client must remember to resume without loss or duplicates: the stream cursor and,
 * per conversation, the position of the last event handed to the application. Serialisable:
 * persist it (CursorStore) and a restarted client resumes where it stopped.
 */
export interface SyncState {
  cursor: string | null;
  conversations: Record<string, number>;
}

/** Where the SDK keeps its SyncState: in memory by default, or wherever the application persists it. */
export interface CursorStore {
  load(): SyncState | null;
  save(state: SyncState): void;
}

export class MemoryCursorStore implements CursorStore {
  private state: SyncState | null = null;

  load(): SyncState | null {
    return this.state && structuredClone(this.state);
  }

  save(state: SyncState): void {
    this.state = structuredClone(state);
  }
}

export interface EventStreamOptions {
  /** Reads one conversation's events after a position (REST: GET /conversations/:id/events). */
  fetchEvents(conversationId: string, after: number): Promise<EventPage>;
  /** Hands an event to the application: exactly once, in order per conversation. */
  deliver(event: PositionedEvent): void;
  /** A conversation's history can no longer be filled from the log: re-fetch it. */
  reset(conversationId: string): void;
  /** The user is no longer in the conversation (404 while filling): forget it. */
  isGone(error: unknown): boolean;
  isExpired(error: unknown): boolean;
  onError(error: unknown): void;
  userId(): string | null;
}

/**
 * Turns the events a connection receives — replayed, live, possibly out of order, duplicated or
 * with holes — into each conversation's exact sequence. Every event names the position of the
 * conversation's previous event (`prev`): an event whose `prev` is ahead of what was handed on
 * reveals a gap, which is filled from the server's log before anything later is delivered.
 */
export class EventStream {
  private positions = new Map<string, number>();
  private readonly held = new Map<string, PositionedEvent[]>();
  private readonly filling = new Map<string, Promise<void>>();

  constructor(private readonly options: EventStreamOptions) {}

  get state(): Record<string, number> {
    return Object.fromEntries(this.positions);
  }

  restore(conversations: Record<string, number>): void {
    this.positions = new Map(Object.entries(conversations));
  }

  /** Starts over from a snapshot: the application re-fetches; the heads are where it stands. */
  baseline(heads: Heads): void {
    this.positions = new Map(Object.entries(heads));
    this.held.clear();
  }

  /** Resolves once every gap being filled has been filled. */
  async settled(): Promise<void> {
    while (this.filling.size > 0) await Promise.allSettled([...this.filling.values()]);
  }

  /** Nothing of this conversation held back behind a gap, nor a gap being filled: what was handed on is all there is. */
  isCurrent(conversationId: string): boolean {
    return !this.filling.has(conversationId) && !this.held.has(conversationId);
  }

  receive(event: PositionedEvent): void {
    const conversationId = streamOf(event, this.options.userId());
    if (this.filling.has(conversationId)) {
      this.hold(conversationId, event);
      return;
    }
    const known = this.positions.get(conversationId);
    if (known !== undefined && event.pos <= known) return; // seen already
    if (known !== undefined && event.prev > known) {
      this.hold(conversationId, event);
      this.fill(conversationId, known);
      return;
    }
    this.accept(conversationId, event);
  }

  /** Compares the server's heads with what was handed on and fills every conversation behind. */
  compare(heads: Heads): void {
    for (const [conversationId, head] of Object.entries(heads)) {
      const known = this.positions.get(conversationId) ?? 0;
      if (head > known && !this.filling.has(conversationId)) this.fill(conversationId, known);
    }
  }

  private accept(conversationId: string, event: PositionedEvent): void {
    this.positions.set(conversationId, event.pos);
    if (event.type === 'member.removed' && event.userId === this.options.userId()) this.positions.delete(conversationId);
    this.options.deliver(event);
  }

  private hold(conversationId: string, event: PositionedEvent): void {
    const list = this.held.get(conversationId) ?? [];
    list.push(event);
    this.held.set(conversationId, list);
  }

  private fill(conversationId: string, after: number, delayMs = 0): void {
    const run = (async () => {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      let from = after;
      let retry = false;
      try {
        for (;;) {
          const page = await this.options.fetchEvents(conversationId, from);
          for (const event of page.events) {
            const known = this.positions.get(conversationId);
            if (known === undefined || event.pos > known) this.accept(conversationId, event);
            from = event.pos;
          }
          if (!page.more) break;
        }
      } catch (error) {
        if (this.options.isGone(error)) this.positions.delete(conversationId);
        else if (this.options.isExpired(error)) {
          this.positions.delete(conversationId);
          this.options.reset(conversationId);
        } else {
          this.options.onError(error);
          retry = true;
        }
      } finally {
        this.filling.delete(conversationId);
      }
      if (retry) {
        // The server could not be reached: keep what is held and try again shortly.
        this.fill(conversationId, this.positions.get(conversationId) ?? from, Math.min(5000, Math.max(250, delayMs * 2)));
        return;
      }
      // What arrived meanwhile goes through the same checks, in order.
      const held = (this.held.get(conversationId) ?? []).sort((a, b) => a.pos - b.pos);
      this.held.delete(conversationId);
      for (const event of held) this.receive(event);
    })();
    this.filling.set(conversationId, run);
  }
}

/**
 * An EventStream that fills its gaps from the server's log over HTTP
 * (`GET /api/v1/conversations/:id/events`): a 404 means the user left the conversation, and
 * `cursor_expired` that the log no longer reaches back far enough. Failed reads are retried by the stream.
 */
export function httpEventStream(http: HttpTransport, hooks: Pick<EventStreamOptions, 'deliver' | 'reset' | 'userId'>): EventStream {
  const events = new EventsApi(http);
  return new EventStream({
    ...hooks,
    fetchEvents: (conversationId, after) => events.conversation(conversationId, after),
    isGone: (error) => error instanceof ApiError && error.code === 'not_found',
    isExpired: (error) => error instanceof ApiError && error.code === 'cursor_expired',
    onError: () => {
      /* retried by the stream */
    },
  });
}

/**
 * The chain an event belongs to: its conversation's, or for an event addressed to me alone my
 * private stream's, keyed by my user id (in `heads` too, and filled from the same endpoint).
 */
export function streamOf(event: PositionedEvent, userId: string | null): string {
  return isPrivateEvent(event) && userId !== null ? userId : conversationOf(event);
}

/** Re-exported for the SDK's users: the conversation an event is about. */
export { conversationOf };
