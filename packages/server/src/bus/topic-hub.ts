import type { BusHandler, BusMessage, EventBus } from './bus.js';

/** What a consumer of the hub sees: the bus's subscribe and unsubscribe (of client-event topics), as if it had the bus to itself. */
export interface TopicSubscriber {
  subscribe(topic: string, handler: BusHandler): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
}

/**
 * The bus takes one handler per topic per node, but two parts of a node listen to topics: the
 * gateway's sockets and the long-poll's waiters. The hub holds the node's one subscription per
 * topic while any consumer needs it and hands each message to the consumers that asked for it.
 */
export class TopicHub {
  private readonly handlers = new Map<string, Map<TopicSubscriber, BusHandler>>();
  /** SUBSCRIBEs in flight: a consumer that joins meanwhile waits for the same one. */
  private readonly subscribing = new Map<string, Promise<void>>();

  constructor(private readonly bus: EventBus) {}

  /** A new consumer: its handler hears only the topics it subscribes to. */
  consumer(): TopicSubscriber {
    const self: TopicSubscriber = {
      subscribe: (topic, handler) => this.subscribe(self, topic, handler),
      unsubscribe: (topic) => this.unsubscribe(self, topic),
    };
    return self;
  }

  private readonly dispatch = (message: BusMessage): void => {
    const handlers = this.handlers.get(message.topic);
    if (handlers) for (const handler of handlers.values()) handler(message);
  };

  private async subscribe(consumer: TopicSubscriber, topic: string, handler: BusHandler): Promise<void> {
    let handlers = this.handlers.get(topic);
    if (handlers) {
      handlers.set(consumer, handler);
      await this.subscribing.get(topic);
      return;
    }
    handlers = new Map([[consumer, handler]]);
    this.handlers.set(topic, handlers);
    const subscribing = this.bus.subscribe(topic, this.dispatch);
    this.subscribing.set(topic, subscribing);
    try {
      await subscribing;
    } finally {
      if (this.subscribing.get(topic) === subscribing) this.subscribing.delete(topic);
    }
  }

  private async unsubscribe(consumer: TopicSubscriber, topic: string): Promise<void> {
    const handlers = this.handlers.get(topic);
    if (!handlers?.delete(consumer) || handlers.size > 0) return;
    this.handlers.delete(topic);
    await this.bus.unsubscribe(topic);
  }
}
