import type { BusHandler, EventBus } from '../bus/bus.js';
import type { Listener } from './connection.js';

/**
 * Which local connections listen to which bus topic. The node subscribes to a topic on the bus
 * while at least one of its connections needs it, so a node reads only its own users' traffic.
 */
export class TopicRegistry {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly subscribing = new Map<string, Promise<void>>();

  constructor(
    private readonly bus: EventBus,
    private readonly handler: BusHandler,
  ) {}

  connectionsOf(topic: string): ReadonlySet<Listener> | undefined {
    return this.listeners.get(topic);
  }

  /** Resolves once the topic's subscription has taken hold on the bus, for this listener too. */
  async add(connection: Listener, topic: string): Promise<void> {
    if (connection.closed || connection.topics.has(topic)) return;
    connection.topics.add(topic);
    let set = this.listeners.get(topic);
    if (!set) {
      set = new Set();
      this.listeners.set(topic, set);
      set.add(connection);
      const subscribing = this.bus.subscribe(topic, this.handler);
      this.subscribing.set(topic, subscribing);
      try {
        await subscribing;
      } finally {
        if (this.subscribing.get(topic) === subscribing) this.subscribing.delete(topic);
      }
      return;
    }
    set.add(connection);
    // A listener that joins while the first one's SUBSCRIBE is in flight waits for it too.
    await this.subscribing.get(topic);
  }

  async remove(connection: Listener, topic: string): Promise<void> {
    if (!connection.topics.delete(topic)) return;
    const set = this.listeners.get(topic);
    if (!set) return;
    set.delete(connection);
    if (set.size === 0) {
      this.listeners.delete(topic);
      await this.bus.unsubscribe(topic);
    }
  }

  async removeAll(connection: Listener): Promise<void> {
    for (const topic of [...connection.topics]) await this.remove(connection, topic);
  }
}
