import type { Message } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import type { ConfabClient, RealtimeConnection } from '@confab/client';
import { KEEP_AT_END, MAX_HELD, TimelineStore, merge } from './timeline-store.js';

const m = (seq: number, body = `#${seq}`) => ({ seq, id: `m${seq}`, body }) as Message;
const seqs = (messages: readonly Message[]) => messages.map((x) => x.seq);

describe('merge', () => {
  it('puts an older page before and a newer message after', () => {
    expect(seqs(merge([m(1), m(2)], [m(3), m(4)]))).toEqual([1, 2, 3, 4]);
    expect(seqs(merge([m(3), m(4)], [m(1), m(2)]))).toEqual([1, 2, 3, 4]);
    expect(seqs(merge([], [m(1)]))).toEqual([1]);
    expect(seqs(merge([m(1)], []))).toEqual([1]);
  });

  it('keeps each message once, the later copy winning, when the runs overlap', () => {
    const merged = merge([m(1), m(2), m(3)], [m(2, 'edited'), m(4)]);
    expect(seqs(merged)).toEqual([1, 2, 3, 4]);
    expect(merged[1]!.body).toBe('edited');
  });

  it('puts a few messages into their places among many, replacing a copy already held', () => {
    const held = Array.from({ length: 100 }, (_, i) => m(i * 2 + 1)); // odd seqs 1..199
    const merged = merge(held, [m(4), m(51, 'edited'), m(198)]);
    expect(merged).toHaveLength(102);
    expect(seqs(merged)).toEqual([...seqs(held), 4, 198].sort((x, y) => x - y));
    expect(merged.find((x) => x.seq === 51)!.body).toBe('edited');
    expect(held).toHaveLength(100); // the inputs are not changed
  });

  it('merges many overlapping messages by seq', () => {
    const a = Array.from({ length: 100 }, (_, i) => m(i + 1));
    const b = Array.from({ length: 100 }, (_, i) => m(i + 51, 'b'));
    const merged = merge(a, b);
    expect(seqs(merged)).toEqual(Array.from({ length: 150 }, (_, i) => i + 1));
    expect(merged[60]!.body).toBe('b');
  });

  it('keeps the objects of the messages it does not replace (rows keep their memoised render)', () => {
    const a = [m(1), m(2)];
    const merged = merge(a, [m(3)]);
    expect(merged[0]).toBe(a[0]);
    expect(merged[1]).toBe(a[1]);
  });
});

/** A store over a server of `newest` messages, with live ones delivered by hand and applied at once. */
function liveStore(first: number) {
  let newest = first;
  const handlers = new Map<string, (event: { message: Message }) => void>();
  const connection = {
    on: (type: string, handler: (event: { message: Message }) => void) => (handlers.set(type, handler), () => handlers.delete(type)),
    onReset: () => () => undefined,
  } as unknown as RealtimeConnection;
  const client = {
    history: async (_: string, { before }: { before?: number }) => {
      const top = Math.min(before === undefined ? newest : before - 1, newest);
      const items = Array.from({ length: Math.max(0, Math.min(15, top)) }, (_, i) => live(top - i));
      return { items, nextCursor: items.length > 0 && items.at(-1)!.seq > 1 ? 'more' : null };
    },
  } as unknown as ConfabClient;
  const live = (seq: number) => ({ ...m(seq), conversationId: 'c', threadRootId: null, kind: 'text' }) as Message;
  const store = new TimelineStore(client, connection, 'c', (run) => run());
  return {
    store,
    arrive: (seq: number) => {
      newest = seq;
      handlers.get('message.created')!({ message: live(seq) });
    },
  };
}

describe('how many messages a timeline holds', () => {
  it('lets the oldest go past MAX_HELD while the view is at the newest, and pages them in again', async () => {
    const { store, arrive } = liveStore(15);
    store.start();
    await expect.poll(() => store.getSnapshot().loaded).toBe(true);
    for (let seq = 16; seq <= MAX_HELD + 1; seq++) arrive(seq);
    const held = store.getSnapshot();
    expect(held.messages).toHaveLength(KEEP_AT_END);
    expect(held.messages.at(-1)!.seq).toBe(MAX_HELD + 1);
    expect(held.hasOlder).toBe(true);
    await store.loadOlder();
    expect(seqs(store.getSnapshot().messages.slice(0, 2))).toEqual([MAX_HELD + 1 - KEEP_AT_END - 14, MAX_HELD + 1 - KEEP_AT_END - 13]);
  });

  it('keeps everything while the view is up in the history', async () => {
    const { store, arrive } = liveStore(15);
    store.start();
    await expect.poll(() => store.getSnapshot().loaded).toBe(true);
    store.viewAtEnd(false);
    for (let seq = 16; seq <= MAX_HELD + 100; seq++) arrive(seq);
    expect(store.getSnapshot().messages).toHaveLength(MAX_HELD + 100);
  });
});
