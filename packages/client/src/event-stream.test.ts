import { describe, expect, it } from 'vitest';
import type { EventPage, PositionedEvent } from '@confab/protocol';
import { EventStream, type EventStreamOptions } from './event-stream.js';

/** A message.created event of conversation `c` at `pos`, chained to `prev`. */
const ev = (pos: number, prev: number, c = 'c1'): PositionedEvent => ({
  type: 'message.created',
  pos,
  prev,
  cursor: `e.${pos}`,
  message: {
    id: `m${pos}`,
    conversationId: c,
    seq: pos,
    senderId: 'u2',
    clientId: `k${pos}`,
    kind: 'text',
    body: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    editedAt: null,
    deletedAt: null,
    replyToId: null,
    replyTo: null,
    threadRootId: null,
    replyCount: 0,
    lastReplyAt: null,
    reactions: [],
    mentions: [],
    pinnedAt: null,
    pinnedBy: null,
  },
});

/** A server log to fill gaps from, and a record of what reached the application. */
function harness(log: PositionedEvent[], overrides: Partial<EventStreamOptions> = {}) {
  const delivered: number[] = [];
  const resets: string[] = [];
  const fetches: [string, number][] = [];
  const stream = new EventStream({
    fetchEvents: async (conversationId, after): Promise<EventPage> => {
      fetches.push([conversationId, after]);
      const events = log.filter((e) => e.type === 'message.created' && e.message.conversationId === conversationId && e.pos > after);
      return { events: events.slice(0, 2), more: events.length > 2 };
    },
    deliver: (event) => delivered.push(event.pos),
    reset: (conversationId) => resets.push(conversationId),
    isGone: (error) => (error as Error).message === 'gone',
    isExpired: (error) => (error as Error).message === 'expired',
    onError: () => {},
    userId: () => 'me',
    ...overrides,
  });
  return { stream, delivered, resets, fetches };
}

describe('EventStream', () => {
  it('hands on events in order and drops duplicates', async () => {
    const { stream, delivered } = harness([]);
    stream.baseline({ c1: 0 });
    for (const e of [ev(1, 0), ev(2, 1), ev(2, 1), ev(1, 0), ev(3, 2)]) stream.receive(e);
    await stream.settled();
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('fills a gap from the log before anything later, paging until done', async () => {
    const log = [ev(1, 0), ev(2, 1), ev(3, 2), ev(4, 3), ev(5, 4), ev(6, 5)];
    const { stream, delivered, fetches } = harness(log);
    stream.baseline({ c1: 1 });
    stream.receive(ev(6, 5)); // 2…5 are missing
    stream.receive(ev(7, 6)); // arrives while filling: held, then handed on
    await stream.settled();
    expect(delivered).toEqual([2, 3, 4, 5, 6, 7]);
    expect(fetches).toEqual([
      ['c1', 1],
      ['c1', 3],
      ['c1', 5],
    ]);
  });

  it('keeps conversations independent: a gap in one does not hold another', async () => {
    const log = [ev(1, 0), ev(3, 1)];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { stream, delivered } = harness(log, {
      fetchEvents: async (_c, after) => {
        await gate;
        return { events: log.filter((e) => e.pos > after && e.pos < 5), more: false };
      },
    });
    stream.baseline({ c1: 1, c2: 2 });
    stream.receive(ev(5, 3)); // c1: 3 is missing
    stream.receive(ev(4, 2, 'c2'));
    expect(delivered).toEqual([4]);
    release();
    await stream.settled();
    expect(delivered).toEqual([4, 3, 5]);
  });

  it('compares heads and fills conversations it is behind in, including unknown ones', async () => {
    const log = [ev(1, 0), ev(2, 1, 'c2')];
    const { stream, delivered } = harness(log);
    stream.baseline({ c1: 0 });
    stream.compare({ c1: 1, c2: 2 });
    await stream.settled();
    expect(delivered.sort()).toEqual([1, 2]);
    expect(stream.state).toEqual({ c1: 1, c2: 2 });
  });

  it('asks for a re-fetch when the log no longer holds the gap, and forgets a conversation it left', async () => {
    const expired = harness([], { fetchEvents: () => Promise.reject(new Error('expired')) });
    expired.stream.baseline({ c1: 1 });
    expired.stream.receive(ev(9, 8));
    await expired.stream.settled();
    expect(expired.resets).toEqual(['c1']);
    expect(expired.delivered).toEqual([9]); // the stream goes on from what it has

    const { stream, delivered } = harness([]);
    stream.baseline({ c1: 1 });
    stream.receive({ type: 'member.removed', pos: 2, prev: 1, cursor: 'e.2', conversationId: 'c1', userId: 'me', by: 'u2' });
    expect(delivered).toEqual([2]);
    expect(stream.state).toEqual({});
  });

  it('retries a fill that failed, keeping what it holds', async () => {
    let failures = 1;
    const log = [ev(1, 0), ev(2, 1)];
    const { stream, delivered } = harness(log, {
      fetchEvents: async (_c, after) => {
        if (failures-- > 0) throw new Error('network');
        return { events: log.filter((e) => e.pos > after), more: false };
      },
    });
    stream.baseline({ c1: 0 });
    stream.receive(ev(3, 2));
    await stream.settled();
    expect(delivered).toEqual([1, 2, 3]);
  });
});
