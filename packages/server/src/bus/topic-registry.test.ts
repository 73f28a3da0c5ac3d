import { describe, expect, it } from 'vitest';
import type { TopicSubscriber } from './topic-hub.js';
import { type TopicListener, TopicRegistry } from './topic-registry.js';

/** The bus side as the registry sees it: which topics the node holds, in the order asked. */
class RecordingSubscriber implements TopicSubscriber {
  readonly calls: string[] = [];
  /** While set, a SUBSCRIBE is answered only once `answer` is called. */
  held: Promise<void> | null = null;
  subscribe(topic: string): Promise<void> {
    return this.subscribeAll([topic]);
  }
  subscribeAll(topics: readonly string[]): Promise<void> {
    this.calls.push(`+${topics.join('+')}`);
    return this.held ?? Promise.resolve();
  }
  unsubscribe(topic: string): Promise<void> {
    this.calls.push(`-${topic}`);
    return Promise.resolve();
  }
  unsubscribeAll(topics: readonly string[]): Promise<void> {
    this.calls.push(`-${topics.join('-')}`);
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

    expect(bus.calls).toEqual(['+a', '+b', '+c', '-a-c']);
    expect(registry.counts()).toEqual({ topics: 1, subscriptions: 1 });
    await registry.removeAll(one); // twice is nothing
    expect(bus.calls).toHaveLength(4);
  });

  it('adds many topics with one call to the bus for those new here, each waiting for its SUBSCRIBE', async () => {
    const bus = new RecordingSubscriber();
    const registry = new TopicRegistry(bus, () => undefined);
    const [one, two, closed] = [listener(), listener(), { topics: new Set<string>(), closed: true }];
    let answer!: () => void;
    bus.held = new Promise((resolve) => (answer = resolve));
    let oneDone = false;
    let twoDone = false;
    const adding = registry.addAll(one, ['a', 'b', 'a']).then(() => (oneDone = true));
    // b's SUBSCRIBE is in flight: a listener adding it and c waits for it too, and only c goes out.
    const joining = registry.addAll(two, ['b', 'c']).then(() => (twoDone = true));
    expect(bus.calls).toEqual(['+a+b', '+c']);
    expect([...one.topics]).toEqual(['a', 'b']);
    await Promise.resolve();
    expect([oneDone, twoDone]).toEqual([false, false]);
    answer();
    await Promise.all([adding, joining]);
    bus.held = null;
    await registry.addAll(one, ['a', 'b']); // held already: nothing to ask
    await registry.addAll(closed, ['d']);
    expect(bus.calls).toEqual(['+a+b', '+c']);
    expect(closed.topics.size).toBe(0);
    expect(registry.counts()).toEqual({ topics: 3, subscriptions: 4 });
  });
});
