import { conversationTopic, userTopic } from '../../bus/bus.js';
import type { TopicSubscriber } from '../../bus/topic-hub.js';
import { TopicRegistry } from '../../bus/topic-registry.js';
import { AppError } from '../../errors.js';

/** A long-poll request waiting for any event on its user's topics. */
class Waiter {
  readonly topics = new Set<string>();
  closed = false;

  constructor(readonly wake: () => void) {}
}

/**
 * The long-poll's waiting room: a request waits on the bus topics its user's sockets would listen
 * to, and any message there wakes it. A wake-up is only a hint: the caller reads the log.
 */
export class EventWaits {
  private readonly topics: TopicRegistry<Waiter>;
  private readonly waiters = new Set<Waiter>();
  private accepting = true;

  constructor(
    bus: TopicSubscriber,
    private readonly conversationIdsOf: (userId: string) => Promise<string[]>,
  ) {
    this.topics = new TopicRegistry<Waiter>(bus, (message) => {
      for (const waiter of this.topics.listenersOf(message.topic) ?? []) waiter.wake();
    });
  }

  /**
   * Waits until an event reaches one of the user's topics on this node, or the timeout passes.
   * `check` runs once subscribed: an event committed while subscribing woke nobody, so the
   * caller looks for it then (a wake-up after that point is not lost). Throws `unavailable`
   * once the node is shutting down.
   */
  async wait(userId: string, timeoutMs: number, check?: () => Promise<boolean>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let waiter: Waiter | undefined;
    const woken = new Promise<void>((resolve) => {
      waiter = new Waiter(resolve);
      timer = setTimeout(resolve, timeoutMs);
    });
    this.waiters.add(waiter!);
    try {
      if (!this.accepting) throw shuttingDown();
      await this.topics.add(waiter!, userTopic(userId));
      const conversationIds = await this.conversationIdsOf(userId);
      await Promise.all(conversationIds.map((id) => this.topics.add(waiter!, conversationTopic(id))));
      if (check && (await check())) return;
      await woken;
      // 503: the client polls again, through a balancer on another node.
      if (!this.accepting) throw shuttingDown();
    } finally {
      clearTimeout(timer);
      this.waiters.delete(waiter!);
      waiter!.closed = true;
      await this.topics.removeAll(waiter!);
    }
  }

  /** Shutdown: ends every wait (503) and refuses new ones. */
  stop(): void {
    this.accepting = false;
    for (const waiter of this.waiters) waiter.wake();
  }
}

const shuttingDown = () => new AppError('unavailable', 'The server is shutting down: try again');
