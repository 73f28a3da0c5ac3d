import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerEvent } from '@confab/protocol';
import type { BusHandler, BusMessage, EventBus } from './bus.js';

/**
 * The behaviour every EventBus must have, written once. Each implementation's test file calls
 * this with a factory giving a fresh, connected bus; the suite closes it.
 */
export function describeBusConformance(name: string, open: () => Promise<EventBus>): void {
  describe(`EventBus conformance: ${name}`, () => {
    let bus: EventBus;
    beforeEach(async () => {
      bus = await open();
    });
    afterEach(async () => {
      await bus.close();
    });

    it('delivers to subscribed topics only, once per topic', async () => {
      const [a, b, c] = [topic(), topic(), topic()];
      const got = collect();
      await bus.subscribe(a, got.handler);
      await bus.subscribe(c, got.handler);
      await bus.publish([b], testEvent(1));
      await bus.publish([a, b, c], testEvent(2));
      await got.waitFor(2);
      await bus.publish([a], testEvent(3));
      await got.waitFor(3);
      expect(got.messages.map((m) => [m.topic, seqOf(m.event)])).toEqual([
        [a, 2],
        [c, 2],
        [a, 3],
      ]);
    });

    it('keeps one handler per topic: subscribing again replaces it', async () => {
      const t = topic();
      const first = collect();
      const second = collect();
      await bus.subscribe(t, first.handler);
      await bus.subscribe(t, second.handler);
      await bus.publish([t], testEvent(1));
      await second.waitFor(1);
      await bus.publish([t], testEvent(2));
      await second.waitFor(2);
      expect(first.messages).toEqual([]);
      expect(second.messages.map((m) => seqOf(m.event))).toEqual([1, 2]);
    });

    it('delivers the events of one topic in publish order (1,000 events, not awaited one by one)', async () => {
      const t = topic();
      const got = collect();
      await bus.subscribe(t, got.handler);
      await Promise.all(Array.from({ length: 1000 }, (_, i) => bus.publish([t], testEvent(i + 1))));
      await got.waitFor(1000);
      expect(got.messages.map((m) => seqOf(m.event))).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    });

    it('hands over the exact JSON of the event, serialised once and parsed once', async () => {
      const topics = [topic(), topic(), topic()];
      const got = collect();
      for (const t of topics) await bus.subscribe(t, got.handler);
      const event = testEvent(7, 'with "quotes", ünïcödé and 🙂');
      const stringify = vi.spyOn(JSON, 'stringify');
      const parse = vi.spyOn(JSON, 'parse');
      try {
        await bus.publish(topics, event);
        await got.waitFor(3);
        expect(stringify).toHaveBeenCalledTimes(1);
        expect(parse.mock.calls.length).toBeLessThanOrEqual(1);
      } finally {
        stringify.mockRestore();
        parse.mockRestore();
      }
      expect(got.messages.map((m) => m.topic)).toEqual(topics);
      for (const message of got.messages) {
        expect(message.frame).toBe(JSON.stringify(event));
        expect(message.event).toEqual(event);
        expect(message.event).toBe(got.messages[0]!.event);
      }
    });

    it("carries a frame already made (a logged event's) without serialising the event again", async () => {
      const topics = [topic(), topic()];
      const got = collect();
      for (const t of topics) await bus.subscribe(t, got.handler);
      const event = testEvent(9, 'logged');
      const frame = JSON.stringify(event);
      const stringify = vi.spyOn(JSON, 'stringify');
      try {
        await bus.publish(topics, event, frame);
        await got.waitFor(2);
        expect(stringify).not.toHaveBeenCalled();
      } finally {
        stringify.mockRestore();
      }
      for (const message of got.messages) {
        expect(message.frame).toBe(frame);
        expect(message.event).toEqual(event);
      }
    });

    it('stops delivering a topic once unsubscribed', async () => {
      const [t, marker] = [topic(), topic()];
      const got = collect();
      const markers = collect();
      await bus.subscribe(t, got.handler);
      await bus.subscribe(marker, markers.handler);
      await bus.publish([t], testEvent(1));
      await got.waitFor(1);
      await bus.unsubscribe(t);
      await bus.unsubscribe(t); // unsubscribing what is not held is a no-op
      await bus.publish([t], testEvent(2));
      await bus.publish([marker], testEvent(3));
      await markers.waitFor(1);
      expect(got.messages.map((m) => seqOf(m.event))).toEqual([1]);
    });

    it('subscribes and lets go of many topics in one call, each held once the call settles', async () => {
      const topics = Array.from({ length: 1500 }, () => topic());
      const [kept, marker] = [topic(), topic()];
      const got = collect();
      const markers = collect();
      await bus.subscribe(kept, got.handler);
      await bus.subscribeAll([...topics, kept], got.handler); // `kept` held already: nothing changes for it
      await bus.subscribe(marker, markers.handler);
      const sample = [topics[0]!, topics[999]!, topics[1000]!, topics[1499]!, kept];
      await bus.publish(sample, testEvent(1));
      await got.waitFor(sample.length);
      expect(got.messages.map((m) => m.topic).sort()).toEqual([...sample].sort());

      await bus.unsubscribeAll([...topics, topic()]); // one never held is a no-op
      await bus.publish([...sample], testEvent(2));
      await bus.publish([marker], testEvent(3));
      await markers.waitFor(1);
      await got.waitFor(sample.length + 1);
      expect(got.messages.slice(sample.length).map((m) => [m.topic, seqOf(m.event)])).toEqual([[kept, 2]]);
    });

    it('answers ping while it can deliver and accepts resync listeners', async () => {
      await expect(bus.ping()).resolves.toBeUndefined();
      bus.onResync(() => {});
    });

    it('closes idempotently; publishing after close resolves and delivers nothing', async () => {
      const t = topic();
      const got = collect();
      await bus.subscribe(t, got.handler);
      await Promise.all([bus.close(), bus.close()]);
      await bus.close();
      const other = await open();
      try {
        const heard = collect();
        await other.subscribe(t, heard.handler);
        await expect(bus.publish([t], testEvent(1))).resolves.toBeUndefined();
        // Published after the closed bus's attempt: once it is heard, the attempt had its chance.
        await other.publish([t], testEvent(2));
        await heard.waitFor(1);
        expect(heard.messages.map((m) => seqOf(m.event))).toEqual([2]);
        expect(got.messages).toEqual([]);
      } finally {
        await other.close();
      }
    });
  });
}

/** A topic no other test (nor another run sharing the broker) uses. */
export function topic(): string {
  return `conv:${randomUUID()}`;
}

/** A `message.created`-shaped event; the bus never looks inside, so the shape is only realistic. */
export function testEvent(seq: number, body = `message ${seq}`): ServerEvent {
  return {
    type: 'message.created',
    pos: seq,
    prev: seq - 1,
    message: {
      id: randomUUID(),
      conversationId: 'c',
      seq,
      senderId: 's',
      clientId: `k${seq}`,
      body,
      createdAt: new Date(1_700_000_000_000 + seq).toISOString(),
    },
  } as unknown as ServerEvent;
}

export function seqOf(event: ServerEvent): number {
  return (event as unknown as { message: { seq: number } }).message.seq;
}

/** Records what a handler receives; `waitFor(n)` resolves once n messages arrived. */
export function collect(): { handler: BusHandler; messages: BusMessage[]; waitFor(count: number, timeoutMs?: number): Promise<void> } {
  const messages: BusMessage[] = [];
  return {
    messages,
    handler: (message) => void messages.push(message),
    async waitFor(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} messages within ${timeoutMs} ms, got ${messages.length}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}
