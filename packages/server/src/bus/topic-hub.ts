import type { BusHandler, BusMessage, EventBus } from './bus.js';
import { SubscriptionsInFlight } from './subscriptions-in-flight.js';

/** What a consumer of the hub sees: the bus's subscribe and unsubscribe (of client-event topics), as if it had the bus to itself. */
export interface TopicSubscriber {
  subscribe(topic: string, handler: BusHandler): Promise<void>;
  /** Several topics, one handler: settles once every one is held (bus.ts `subscribeAll`). */
  subscribeAll(topics: readonly string[], handler: BusHandler): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  unsubscribeAll(topics: readonly string[]): Promise<void>;
}

/**
 * The bus takes one handler per topic per node, but two parts of a node listen to topics: the
 * gateway's sockets and the long-poll's waiters. The hub holds the node's one subscription per
 * topic while any consumer needs it and hands each message to the consumers that asked for it.
 */
export class TopicHub {
  private readonly handlers = new Map<string, Map<TopicSubscriber, BusHandler>>();
  /** SUBSCRIBEs in flight: a consumer that joins meanwhile waits for the same one. */
  private readonly subscribing = new SubscriptionsInFlight();

  constructor(private readonly bus: EventBus) {}

  /** A new consumer: its handler hears only the topics it subscribes to. */
  consumer(): TopicSubscriber {
    const self: TopicSubscriber = {
      subscribe: (topic, handler) => this.subscribeAll(self, [topic], handler),
      subscribeAll: (topics, handler) => this.subscribeAll(self, topics, handler),
      unsubscribe: (topic) => this.unsubscribeAll(self, [topic]),
      unsubscribeAll: (topics) => this.unsubscribeAll(self, topics),
    };
    return self;
  }

  private readonly dispatch = (message: BusMessage): void => {
    const handlers = this.handlers.get(message.topic);
    if (handlers) for (const handler of handlers.values()) handler(message);
  };

  /** The topics no consumer held yet go to the bus in one call; those already in flight are waited for. */
  private async subscribeAll(consumer: TopicSubscriber, topics: readonly string[], handler: BusHandler): Promise<void> {
    const fresh: string[] = [];
    const inFlight = new Set<Promise<void>>();
    for (const topic of topics) {
      const handlers = this.handlers.get(topic);
      if (handlers) {
        handlers.set(consumer, handler);
        const subscribing = this.subscribing.of(topic);
        if (subscribing) inFlight.add(subscribing);
        continue;
      }
      this.handlers.set(topic, new Map([[consumer, handler]]));
      fresh.push(topic);
    }
    if (fresh.length > 0) {
      inFlight.add(this.subscribing.start(fresh, () => this.bus.subscribeAll(fresh, this.dispatch)));
    }
    await Promise.all(inFlight);
  }

  /** The topics no other consumer holds go to the bus in one call. */
  private async unsubscribeAll(consumer: TopicSubscriber, topics: readonly string[]): Promise<void> {
    const emptied: string[] = [];
    for (const topic of topics) {
      const handlers = this.handlers.get(topic);
      if (!handlers?.delete(consumer) || handlers.size > 0) continue;
      this.handlers.delete(topic);
      emptied.push(topic);
    }
    if (emptied.length > 0) await this.bus.unsubscribeAll(emptied);
  }
}
