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
  override async subscribe<E extends BusEvent = ServerEvent>(topic: string, handler: BusHandler<E>): Promise<void> {
    await this.gate;
    await super.subscribe(topic, handler);
    this.log.push('SUBSCRIBE took hold');
  }
}

describe('TopicHub', () => {
  it('shares one bus subscription per topic between consumers, held until the last one leaves', async () => {
    const bus = new MemoryBus();
    const subscribe = vi.spyOn(bus, 'subscribe');
    const unsubscribe = vi.spyOn(bus, 'unsubscribe');
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
    expect(bus.log).toEqual(['SUBSCRIBE took hold', 'second consumer subscribed']);
    await bus.publish([t], testEvent(1));
    expect(got.messages).toHaveLength(1);
  });
});
