import type { Logger } from 'pino';
import type { PublishedPositions } from '../services/events/published-positions.js';
import type { SyncService } from '../services/events/sync-service.js';
import type { Connection } from './connection.js';

/**
 * The safety net under pub/sub: every interval, the node asks the log which of its conversations
 * had events it never saw arrive by the bus — lost by Redis without a reconnect, or never
 * published because the node that committed them died in between — and hands them to `behind`
 * (the gateway fills its sockets from the log, and sends them `heads`). So a lost live event
 * costs at most about two intervals, even when nothing else happens in that conversation.
 *
 * Each check looks at the log range of the interval before last, so events the bus is still
 * carrying are not taken for lost; the first range starts at the head `start` read before the
 * server listened. One grouped range read per node per interval, whatever the
 * number of sockets; none when the bus drops nothing and this node published that whole range
 * itself (`published`). The read scans every event of the range on the event loop: 47 ms at
 * 10,000 events a second on a lone SQLite node, which had nothing to find.
 */
export class LiveCheck {
  /** Highest position seen arriving by the bus, per conversation this node listens to. */
  private readonly seen = new Map<string, number>();
  /** Everything at or below it was checked (or preceded the start); null until `start`. */
  private checkedUpTo: number | null = null;
  /** The head at the previous check: the next check reads (checkedUpTo, previousHead]. */
  private previousHead: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    private readonly sync: Pick<SyncService, 'head' | 'conversationHeadsBetween'>,
    private readonly listenersOf: (conversationId: string) => ReadonlySet<Connection> | undefined,
    private readonly behind: (listeners: ReadonlySet<Connection>, conversationId: string, pos: number) => void,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    /** The positions this node published, when its bus drops nothing (`EventBus.lossless`). */
    private readonly published?: PublishedPositions,
  ) {}

  /**
   * Takes the log's head as the first check's start, then checks every interval. Called before
   * the server listens: a socket goes live after this read, so what commits after it is the
   * checks' and what precedes it is the socket's replay. (Taken at the first check instead, as
   * it was, an event committed and lost before that check was never looked for: a CI run sent
   * one within the first interval under load.)
   */
  async start(): Promise<void> {
    const head = (await this.sync.head()).pos;
    this.checkedUpTo = head;
    this.previousHead = head;
    this.published?.startAfter(head);
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  noteDelivered(conversationId: string, pos: number): void {
    if (pos > (this.seen.get(conversationId) ?? 0)) this.seen.set(conversationId, pos);
  }

  async check(): Promise<void> {
    if (this.running || this.checkedUpTo === null) return;
    this.running = true;
    try {
      const head = (await this.sync.head()).pos;
      // (checkedUpTo, previousHead] is at least a full interval old.
      if (this.previousHead !== null && this.previousHead > this.checkedUpTo) {
        if (!this.published?.covers(this.checkedUpTo, this.previousHead)) {
          const heads = await this.sync.conversationHeadsBetween(this.checkedUpTo, this.previousHead);
          for (const [conversationId, pos] of heads) this.compare(conversationId, pos);
        }
        this.checkedUpTo = this.previousHead;
      }
      for (const conversationId of this.seen.keys()) {
        if (!this.listenersOf(conversationId)?.size) this.seen.delete(conversationId); // no longer listened to here
      }
      this.previousHead = head;
    } catch (error) {
      this.logger.warn({ err: error }, 'live check failed; retrying next interval');
    } finally {
      this.running = false;
    }
  }

  private compare(conversationId: string, pos: number): void {
    const listeners = this.listenersOf(conversationId);
    if (!listeners || listeners.size === 0) return;
    if (pos <= (this.seen.get(conversationId) ?? 0)) return;
    this.seen.set(conversationId, pos);
    this.behind(listeners, conversationId, pos);
  }
}
