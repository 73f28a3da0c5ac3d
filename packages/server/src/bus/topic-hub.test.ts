import { describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '@confab/protocol';
import type { BusEvent, BusHandler } from './bus.js';
import { collect, testEvent, topic } from './bus.conformance.js';
import { MemoryBus } from './memory-bus.js';
import { TopicHub } from './topic-hub.js';

/** A MemoryBus whose SUBSCRIBE takes hold only when the test opens the gate (a Redis round trip). */
class GatedBus extends MemoryBus {
  /** What happened, in order: the test's own steps and each SUBSCRIBE taking hold. */
  readonly log: string[] = [];
  private open: (() => void) | undefined;
  private gate: Promise<void> | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open?.();
    this.gate = undefined;
  }
  override async subscribeAll<E extends BusEvent = ServerEvent>(topics: readonly string[], handler: BusHandler<E>): Promise<void> {
    await this.gate;
    await super.subscribeAll(topics, handler);
    this.log.push(`SUBSCRIBE ${topics.length} took hold`);
  }
}

describe('TopicHub', () => {
  it('shares one bus subscription per topic between consumers, held until the last one leaves', async () => {
    const bus = new MemoryBus();
    const subscribe = vi.spyOn(bus, 'subscribeAll');
    const unsubscribe = vi.spyOn(bus, 'unsubscribeAll');
    const hub = new TopicHub(bus);
    const [sockets, polls] = [hub.consumer(), hub.consumer()];
    const [a, b] = [collect(), collect()];
    const t = topic();

    await sockets.subscribe(t, a.handler);
    await polls.subscribe(t, b.handler);
    expect(subscribe).toHaveBeenCalledTimes(1);
    await bus.publish([t], testEvent(1));
    expect([a.messages.length, b.messages.length]).toEqual([1, 1]);

    await sockets.unsubscribe(t);
    expect(unsubscribe).not.toHaveBeenCalled();
    await bus.publish([t], testEvent(2));
    expect([a.messages.length, b.messages.length]).toEqual([1, 2]);

    await polls.unsubscribe(t);
    expect(unsubscribe).toHaveBeenCalledTimes(1);
    await bus.publish([t], testEvent(3));
    expect([a.messages.length, b.messages.length]).toEqual([1, 2]);
  });

  it('a consumer that joins while the SUBSCRIBE is in flight resolves only once it has taken hold', async () => {
    const bus = new GatedBus();
    const hub = new TopicHub(bus);
    const t = topic();
    const got = collect();
    bus.hold();
    const first = hub.consumer().subscribe(t, () => {});
    const second = hub
      .consumer()
      .subscribe(t, got.handler)
      .then(() => bus.log.push('second consumer subscribed'));
    bus.release();
    await Promise.all([first, second]);
    expect(bus.log).toEqual(['SUBSCRIBE 1 took hold', 'second consumer subscribed']);
    await bus.publish([t], testEvent(1));
    expect(got.messages).toHaveLength(1);
  });

  it('subscribes many topics in one call for those new to the node, each caller settling once its topics are held', async () => {
    const bus = new GatedBus();
    const unsubscribe = vi.spyOn(bus, 'unsubscribeAll');
    const hub = new TopicHub(bus);
    const [sockets, polls] = [hub.consumer(), hub.consumer()];
    const [held, a, b, c] = [topic(), topic(), topic(), topic()];
    await polls.subscribe(held, () => {});
    const [first, second] = [collect(), collect()];
    bus.hold();
    const one = sockets.subscribeAll([held, a, b], first.handler).then(() => bus.log.push('sockets subscribed'));
    // `b` is in flight for the sockets: the long-polls wait for it, and only `c` goes out for them.
    const two = polls.subscribeAll([b, c], second.handler).then(() => bus.log.push('polls subscribed'));
    bus.release();
    await Promise.all([one, two]);
    expect(bus.log).toEqual([
      'SUBSCRIBE 1 took hold',
      'SUBSCRIBE 2 took hold',
      'SUBSCRIBE 1 took hold',
      'sockets subscribed',
      'polls subscribed',
    ]);
    await bus.publish([held, a, b, c], testEvent(1));
    expect(first.messages.map((m) => m.topic)).toEqual([held, a, b]);
    expect(second.messages.map((m) => m.topic)).toEqual([b, c]);

    // Letting go: only what no other consumer holds, in one call.
    await sockets.unsubscribeAll([held, a, b]);
    expect(unsubscribe.mock.calls).toEqual([[[a]]]);
    await polls.unsubscribeAll([held, b, c]);
    expect(unsubscribe.mock.calls.at(-1)).toEqual([[held, b, c]]);
  });
});
