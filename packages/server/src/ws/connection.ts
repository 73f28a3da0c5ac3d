import type { WebSocket } from 'ws';
import type { BusMessage } from '../bus/bus.js';
import type { TopicListener } from '../bus/topic-registry.js';
import { ConversationOrder } from './conversation-order.js';

/** One open socket of a signed-in user (and session), and the bus topics it listens to. */
export class Connection implements TopicListener {
  readonly topics = new Set<string>();
  /** Cleared at each ping; a socket still not alive at the next ping is dead and reaped. */
  alive = true;
  /** Its slice of the gateway's heartbeat (`heartbeat.ts`). */
  heartbeatSlice = 0;
  closed = false;
  /** Its session ended: it is closing with 4403, and frames still arriving are ignored. */
  revoked = false;
  /** While the socket is being brought up to date from the log, live events wait here. */
  pending: BusMessage[] | null = [];
  /** What each conversation has been sent, in order; its `floor` is the seam with the replay. */
  readonly order = new ConversationOrder();
  /** Users this socket's user blocks: their typing and presence are not sent to it. */
  blocked = new Set<string>();
  /** Users who block this socket's user: theirs are not sent to it either (a block hides both ways). */
  blockedBy = new Set<string>();
  /** Changes to `blockedBy` heard while its first read was under way: applied after it (`resume.ts`). */
  blockedByNews: [string, boolean][] | null = [];
  /** Counted by presence (from its opening on): uncounted when it closes. */
  counted = false;
  /** Frames refused by a rate limit since the last one taken on: past WS_FLOOD_CLOSE_AFTER, 1008. */
  limitedInARow = 0;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly sessionId: string,
    readonly socket: WebSocket,
  ) {}

  send(frame: unknown): void {
    this.sendText(JSON.stringify(frame));
  }

  sendText(text: string): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(text);
  }
}
