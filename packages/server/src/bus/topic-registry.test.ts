import { describe, expect, it } from 'vitest';
import type { TopicSubscriber } from './topic-hub.js';
import { type TopicListener, TopicRegistry } from './topic-registry.js';

/** The bus side as the registry sees it: which topics the node holds, in the order asked. */
class RecordingSubscriber implements TopicSubscriber {
  readonly calls: string[] = [];
  subscribe(topic: string): Promise<void> {
    this.calls.push(`+${topic}`);
    return Promise.resolve();
  }
  unsubscribe(topic: string): Promise<void> {
    this.calls.push(`-${topic}`);
    return Promise.resolve();
  }
}

const listener = (): TopicListener => ({ topics: new Set(), closed: false });

describe('TopicRegistry', () => {
  it('holds a topic on the bus while any listener needs it', async () => {
    const bus = new RecordingSubscriber();
    const registry = new TopicRegistry(bus, () => undefined);
    const [one, two] = [listener(), listener()];
    await registry.add(one, 'a');
    await registry.add(two, 'a');
    await registry.remove(one, 'a');
    expect(bus.calls).toEqual(['+a']);
    await registry.remove(two, 'a');
    expect(bus.calls).toEqual(['+a', '-a']);
    expect(registry.counts()).toEqual({ topics: 0, subscriptions: 0 });
  });

  it('lets go of a closed listener’s topics at once, unsubscribing only those nobody else holds', async () => {
    const bus = new RecordingSubscriber();
    const registry = new TopicRegistry(bus, () => undefined);
    const [one, two] = [listener(), listener()];
    for (const topic of ['a', 'b', 'c']) await registry.add(one, topic);
    await registry.add(two, 'b');

    const removing = registry.removeAll(one);
    // Before any await: the listener is out of every topic already.
    expect(one.topics.size).toBe(0);
    expect(registry.listenersOf('a')).toBeUndefined();
    expect([...registry.listenersOf('b')!]).toEqual([two]);
    await removing;

    expect(bus.calls).toEqual(['+a', '+b', '+c', '-a', '-c']);
    expect(registry.counts()).toEqual({ topics: 1, subscriptions: 1 });
    await registry.removeAll(one); // twice is nothing
    expect(bus.calls).toHaveLength(5);
  });
});
