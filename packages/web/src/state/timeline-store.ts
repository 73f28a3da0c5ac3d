import { type ConfabClient, type DecryptedMessage, type RealtimeConnection, isRelation } from '@confab/client';
import type { Message } from '@confab/protocol';
import { ExternalStore } from './external-store.js';
import { FrameBatch, type Scheduler, nextFrame } from './frame-batch.js';

/** How many messages one page of history holds (the 15). */
export const PAGE_SIZE = 15;
/**
 * More than this many held while the view is at the newest, and all but the newest KEEP_AT_END
 * are let go: a conversation open through a day of live messages holds what a few screens of
 * scrolling up need, not the whole day (the heap figure of packages/web/README.md). Scrolling
 * up pages them in again, as it pages in anything older.
 */
export const MAX_HELD = 2_000;
export const KEEP_AT_END = 1_000;

export interface TimelineState {
  /** The main history held so far, oldest first (thread replies live in their thread). */
  messages: readonly Message[];
  loaded: boolean;
  /** Whether older messages remain on the server. */
  hasOlder: boolean;
  loadingOlder: boolean;
  error: string | null;
}

/**
 * One conversation's history as the page shows it: the newest page first, older pages on
 * demand (`loadOlder`), new and changed messages from the realtime connection as they arrive.
 * A reset of the stream reloads the newest page. New messages are applied once per animation
 * frame (`FrameBatch`), so a burst of them costs one update, not one per message.
 */
export class TimelineStore extends ExternalStore<TimelineState> {
  private readonly stops: (() => void)[] = [];
  private generation = 0;
  private readonly arrived: FrameBatch<Message>;
  /** Whether the view shows the newest message (the timeline says so as it scrolls). */
  private atEnd = true;

  constructor(
    private readonly client: ConfabClient,
    private readonly connection: RealtimeConnection,
    readonly conversationId: string,
    schedule: Scheduler = nextFrame,
  ) {
    super({ messages: [], loaded: false, hasOlder: false, loadingOlder: false, error: null });
    this.arrived = new FrameBatch((messages) => this.upsert(messages), schedule);
  }

  start(): void {
    const mine = (id: string) => id === this.conversationId;
    this.stops.push(
      this.connection.on('message.created', ({ message }) => {
        if (mine(message.conversationId)) this.encryptedEdit(message);
        if (mine(message.conversationId) && message.threadRootId === null && readable(message)) this.arrived.add(message);
      }),
      this.connection.on('message.updated', ({ message }) => {
        if (mine(message.conversationId)) this.replace(message);
      }),
      this.connection.on('message.deleted', ({ message }) => {
        if (mine(message.conversationId)) this.replace(message);
      }),
      // My history cleared (here or on another device of mine): what it held up to then goes.
      this.connection.on('conversation.updated', ({ conversation, settings }) => {
        if (mine(conversation.id) && settings) this.dropThrough(settings.clearedSeq);
      }),
      this.connection.onReset((notice) => {
        if (notice.conversationId === undefined || mine(notice.conversationId)) void this.loadLatest();
      }),
    );
    void this.loadLatest();
  }

  stop(): void {
    this.generation += 1;
    this.arrived.clear();
    for (const stop of this.stops.splice(0)) stop();
  }

  async loadLatest(): Promise<void> {
    const generation = ++this.generation;
    try {
      const page = await this.client.history(this.conversationId, { limit: PAGE_SIZE });
      if (generation !== this.generation) return;
      this.arrived.flush();
      // Live messages that arrived while the page loaded are kept (they are newer).
      const live = this.getSnapshot().messages.filter((m) => m.seq > (page.items[0]?.seq ?? 0));
      this.set({
        ...this.getSnapshot(),
        messages: merge([...page.items.filter(readable)].reverse(), live),
        loaded: true,
        hasOlder: page.nextCursor !== null,
        error: null,
      });
    } catch (error) {
      if (generation === this.generation) this.set({ ...this.getSnapshot(), loaded: true, error: String(error) });
    }
  }

  /**
   * The next older page; one at a time. A call while a page is on its way waits for that page
   * (the jump to a search hit and the opening at the first unread may both be paging back).
   */
  loadOlder(): Promise<void> {
    this.loadingOlder ??= this.loadOlderPage().finally(() => (this.loadingOlder = undefined));
    return this.loadingOlder;
  }

  private loadingOlder: Promise<void> | undefined;

  private async loadOlderPage(): Promise<void> {
    this.arrived.flush();
    const state = this.getSnapshot();
    if (!state.hasOlder || state.loadingOlder) return;
    const oldest = state.messages[0];
    if (!oldest) return;
    const generation = this.generation;
    this.set({ ...state, loadingOlder: true });
    try {
      const page = await this.client.history(this.conversationId, { limit: PAGE_SIZE, before: oldest.seq });
      if (generation !== this.generation) return;
      const now = this.getSnapshot();
      this.set({
        ...now,
        messages: merge([...page.items.filter(readable)].reverse(), now.messages),
        hasOlder: page.nextCursor !== null,
        loadingOlder: false,
      });
    } catch (error) {
      if (generation === this.generation) this.set({ ...this.getSnapshot(), loadingOlder: false, error: String(error) });
    }
  }

  /** The timeline's word on whether the newest message is in view: only then may older ones be let go. */
  viewAtEnd(atEnd: boolean): void {
    this.atEnd = atEnd;
  }

  private dropThrough(seq: number): void {
    this.arrived.flush();
    const state = this.getSnapshot();
    if (state.messages.some((m) => m.seq <= seq))
      this.set({ ...state, messages: state.messages.filter((m) => m.seq > seq), hasOlder: false });
  }

  private upsert(messages: Message[]): void {
    const state = this.getSnapshot();
    const merged = merge(
      state.messages,
      messages.sort((x, y) => x.seq - y.seq),
    );
    const letGo = this.atEnd && merged.length > MAX_HELD;
    this.set({ ...state, messages: letGo ? merged.slice(-KEEP_AT_END) : merged, hasOlder: state.hasOlder || letGo });
  }

  /** An encrypted edit (issue 39 part 5) changes the message it names, when sent by that message's sender. */
  private encryptedEdit(message: Message): void {
    const edit = (message as DecryptedMessage).edit;
    if (edit === undefined) return;
    this.arrived.flush();
    const target = this.getSnapshot().messages.find((m) => m.id === edit.messageId);
    if (target && target.senderId === message.senderId && target.deletedAt === null)
      this.replace({ ...target, body: edit.text, editedAt: message.createdAt });
  }

  private replace(message: Message): void {
    this.arrived.flush(); // a change to a message still waiting in the batch
    const state = this.getSnapshot();
    if (!state.messages.some((m) => m.id === message.id)) return;
    this.set({ ...state, messages: state.messages.map((m) => (m.id === message.id ? message : m)) });
  }
}

/** Two runs of messages as one, by seq, each once (the later copy of a message wins); each run sorted by seq. */
export function merge(a: readonly Message[], b: readonly Message[]): Message[] {
  // The usual cases in order, without sorting everything held: a page of older messages, new ones.
  if (b.length === 0) return [...a];
  if (a.length === 0 || a.at(-1)!.seq < b[0]!.seq) return [...a, ...b];
  if (b.at(-1)!.seq < a[0]!.seq) return [...b, ...a];
  // A few into many (a live message already held, or one arriving out of order): each put in its place.
  if (b.length <= 64) {
    const merged = [...a];
    for (const m of b) {
      const at = firstAtOrAfter(merged, m.seq);
      merged.splice(at, merged[at]?.seq === m.seq ? 1 : 0, m);
    }
    return merged;
  }
  const bySeq = new Map<number, Message>();
  for (const m of a) bySeq.set(m.seq, m);
  for (const m of b) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((x, y) => x.seq - y.seq);
}

/** The index of the first message with a seq at or after `seq` (binary search). */
function firstAtOrAfter(messages: readonly Message[], seq: number): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (messages[mid]!.seq < seq) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** An MLS commit or welcome (issue 39) is for devices to apply, not a message to show. */
// Commits and welcomes are applied by devices; encrypted reactions, edits, votes and closes change other messages.
const readable = (message: Message) =>
  !(message.kind === 'encrypted' && message.mls !== undefined && message.mls !== 'application') && !isRelation(message);
