import type { BusHandler } from './bus.js';
import type { TopicSubscriber } from './topic-hub.js';
import { SubscriptionsInFlight } from './subscriptions-in-flight.js';

/** Something local that listens to bus topics: a socket, a waiting long-poll. */
export interface TopicListener {
  /** The topics it listens to, kept by the registry. */
  readonly topics: Set<string>;
  readonly closed: boolean;
}

/**
 * Which local listeners listen to which bus topic. The node subscribes to a topic on the bus
 * while at least one of its listeners needs it, so a node reads only its own users' traffic.
 */
export class TopicRegistry<L extends TopicListener> {
  private readonly listeners = new Map<string, Set<L>>();
  private readonly subscribing = new SubscriptionsInFlight();

  constructor(
    private readonly bus: TopicSubscriber,
    private readonly handler: BusHandler,
  ) {}

  listenersOf(topic: string): ReadonlySet<L> | undefined {
    return this.listeners.get(topic);
  }

  /** Topics held, and listener-topic pairs (for /metrics: a walk over the topics, on scrape only). */
  counts(): { topics: number; subscriptions: number } {
    let subscriptions = 0;
    for (const set of this.listeners.values()) subscriptions += set.size;
    return { topics: this.listeners.size, subscriptions };
  }

  /** Resolves once the topic's subscription has taken hold on the bus, for this listener too. */
  add(listener: L, topic: string): Promise<void> {
    return this.addAll(listener, [topic]);
  }

  /**
   * `add` for many topics at once (a resume's conversations): the topics new to this node go to
   * the bus in one call, and the caller waits on one promise. 2,000 `add`s were three async calls
   * and their promises per topic through the registry, the hub and the bus (issue 41).
   */
  async addAll(listener: L, topics: readonly string[]): Promise<void> {
    if (listener.closed) return;
    const fresh: string[] = [];
    const inFlight = new Set<Promise<void>>();
    for (const topic of topics) {
      if (listener.topics.has(topic)) continue;
      listener.topics.add(topic);
      const set = this.listeners.get(topic);
      if (set) {
        set.add(listener);
        const subscribing = this.subscribing.of(topic);
        if (subscribing) inFlight.add(subscribing);
        continue;
      }
      this.listeners.set(topic, new Set([listener]));
      fresh.push(topic);
    }
    if (fresh.length > 0) {
      inFlight.add(this.subscribing.start(fresh, () => this.bus.subscribeAll(fresh, this.handler)));
    }
    await Promise.all(inFlight);
  }

  async remove(listener: L, topic: string): Promise<void> {
    if (!listener.topics.delete(topic)) return;
    const set = this.listeners.get(topic);
    if (!set) return;
    set.delete(listener);
    if (set.size === 0) {
      this.listeners.delete(topic);
      await this.bus.unsubscribe(topic);
    }
  }

  /**
   * A closed socket's topics, let go of in one step and the emptied ones unsubscribed together:
   * thousands of sockets closing in one turn (a load balancer restarting) each paid an await per
   * topic before.
   */
  async removeAll(listener: L): Promise<void> {
    const emptied: string[] = [];
    for (const topic of listener.topics) {
      const set = this.listeners.get(topic);
      if (!set?.delete(listener) || set.size > 0) continue;
      this.listeners.delete(topic);
      emptied.push(topic);
    }
    listener.topics.clear();
    if (emptied.length > 0) await this.bus.unsubscribeAll(emptied);
  }
}
