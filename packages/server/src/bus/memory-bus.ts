import type { ServerEvent } from '@confab/protocol';
import type { BusEvent, BusHandler, EventBus } from './bus.js';

/** The single-process bus: delivery is a function call, the frame serialised once per event. */
export class MemoryBus implements EventBus {
  private readonly handlers = new Map<string, BusHandler<BusEvent>>();
  readonly lossless: boolean = true;

  publish(topics: readonly string[], event: BusEvent, serialised?: string): Promise<void> {
    let frame = serialised;
    for (const topic of topics) {
      const handler = this.handlers.get(topic);
      if (!handler) continue;
      frame ??= JSON.stringify(event);
      handler({ topic, event, frame });
    }
    return Promise.resolve();
  }

  subscribe<E extends BusEvent = ServerEvent>(topic: string, handler: BusHandler<E>): Promise<void> {
    // The topic decides the event type (bus.ts): its publishers only ever send it an E.
    this.handlers.set(topic, handler as BusHandler<BusEvent>);
    return Promise.resolve();
  }

  subscribeAll<E extends BusEvent = ServerEvent>(topics: readonly string[], handler: BusHandler<E>): Promise<void> {
    for (const topic of topics) this.handlers.set(topic, handler as BusHandler<BusEvent>);
    return Promise.resolve();
  }

  unsubscribe(topic: string): Promise<void> {
    this.handlers.delete(topic);
    return Promise.resolve();
  }

  unsubscribeAll(topics: readonly string[]): Promise<void> {
    for (const topic of topics) this.handlers.delete(topic);
    return Promise.resolve();
  }

  /** Delivery is a function call: nothing is ever dropped, so there is nothing to resync. */
  onResync(_listener: () => void): void {}

  ping(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.handlers.clear();
    return Promise.resolve();
  }
}
