import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PositionedEvent } from '@confab/protocol';
import type { BusMessage } from '../bus/bus.js';
import { ConversationOrder, type ConversationStream } from './conversation-order.js';
import { live } from './live-events.js';

/** Drains a fill the way the gateway does once the log was read to `upTo`: returns what was sent, in order. */
function fill(stream: ConversationStream, log: number[], upTo: number): { sent: number[]; again: boolean } {
  const sent: number[] = [];
  for (const pos of log) if (pos <= upTo && stream.take(pos)) sent.push(pos);
  for (let next = stream.nextHeld(); next !== undefined; next = stream.nextHeld()) {
    if (next === 'gap') return { sent, again: true };
    sent.push((next.event as PositionedEvent).pos);
  }
  return { sent, again: false };
}

/** The end of a run: a fill still open, or one the live check or a resync asks for, reads the whole log until nothing is left held. */
function finish(stream: ConversationStream, log: number[], fillOpen: boolean): number[] {
  const sent: number[] = [];
  if (fillOpen || stream.beginFill()) {
    for (let result = fill(stream, log, Infinity); ; result = fill(stream, log, Infinity)) {
      sent.push(...result.sent);
      if (!result.again) break;
    }
  }
  return sent;
}

describe('ConversationStream', () => {
  it('sends events in order, drops duplicates and what precedes its floor', () => {
    const order = new ConversationOrder();
    order.floor = 4;
    const stream = order.of('c1');
    expect(stream.admit(live(3, 1))).toBe('drop'); // replayed already
    expect(stream.admit(live(6, 3))).toBe('send');
    expect(stream.admit(live(6, 3))).toBe('drop');
    expect(stream.admit(live(9, 6))).toBe('send');
    expect(stream.sent).toBe(9);
    expect(order.of('c1')).toBe(stream);
  });

  it('holds what follows a gap until the log has filled it, then releases it in order, once', () => {
    const stream = new ConversationOrder().of('c1');
    expect(stream.admit(live(2, 0))).toBe('send');
    expect(stream.admit(live(5, 4))).toBe('fill'); // 3 and 4 were lost
    expect(stream.admit(live(6, 5))).toBe('hold');
    expect(stream.admit(live(5, 4))).toBe('hold'); // a duplicate while filling is dropped at release
    expect(stream.filling).toBe(true);
    // The log, read after the held events arrived, has everything up to them and beyond.
    expect(fill(stream, [3, 4, 5, 6, 7], 7)).toEqual({ sent: [3, 4, 5, 6, 7], again: false });
    expect(stream.filling).toBe(false);
    expect(stream.admit(live(7, 6))).toBe('drop');
    expect(stream.admit(live(8, 7))).toBe('send');
  });

  it('reads the log again when a held event is still ahead of it, or a fill was asked for meanwhile', () => {
    const stream = new ConversationOrder().of('c1');
    expect(stream.admit(live(3, 2))).toBe('fill');
    expect(stream.admit(live(6, 5))).toBe('hold');
    expect(stream.stopAwaitingBus()).toBe(true); // the wait for the bus ends with the gap open
    expect(fill(stream, [1, 2, 3], 3)).toEqual({ sent: [1, 2, 3], again: true }); // 4, 5 not read yet
    expect(stream.beginFill()).toBe(false); // a resync while filling: the running fill looks again
    expect(fill(stream, [4, 5, 6], 6)).toEqual({ sent: [4, 5, 6], again: true });
    expect(fill(stream, [7], 7)).toEqual({ sent: [7], again: false });
    expect(stream.beginFill()).toBe(true);
    expect(fill(stream, [], 7)).toEqual({ sent: [], again: false });
  });

  it('stops at the user leaving: nothing later is sent, held or read', () => {
    const stream = new ConversationOrder().of('c1');
    expect(stream.admit(live(1, 0))).toBe('send');
    expect(stream.admit(live(4, 3))).toBe('fill');
    expect(stream.take(2)).toBe(true);
    stream.leave(3); // the removal, read from the log
    expect(stream.take(3)).toBe(false);
    expect(stream.nextHeld()).toBeUndefined();
    expect(stream.admit(live(5, 4))).toBe('drop');
    expect(stream.beginFill()).toBe(false);
  });

  it('a join starts a new stream from the joining event, unless the current one is past it', () => {
    const order = new ConversationOrder();
    order.floor = 10;
    const left = order.of('c1');
    left.leave(12);
    const joined = order.join('c1', 20, 15);
    expect(joined).not.toBe(left);
    expect(joined.admit(live(20, 15))).toBe('send');
    expect(order.join('c1', 20, 15)).toBe(joined); // the same join again: a duplicate
    expect(joined.admit(live(20, 15))).toBe('drop');
    expect(order.current('c1')).toBe(joined);
  });

  it('a failed fill lets the held events go as they are', () => {
    const stream = new ConversationOrder().of('c1');
    expect(stream.admit(live(4, 3))).toBe('fill');
    expect(stream.admit(live(5, 4))).toBe('hold');
    expect(stream.abandonFill().map((m) => (m.event as PositionedEvent).pos)).toEqual([4, 5]);
    expect(stream.filling).toBe(false);
    expect(stream.admit(live(6, 5))).toBe('send');
  });

  it('a gap first waits for the bus: when the missing event comes, the held ones follow it in order and the log is not read', () => {
    const stream = new ConversationOrder().of('c1');
    expect(stream.admit(live(2, 0))).toBe('send');
    expect(stream.admit(live(5, 3))).toBe('fill'); // 3 is published by another node, a moment behind
    expect(stream.awaitingBus).toBe(true);
    expect(stream.admit(live(7, 5))).toBe('hold');
    expect(stream.drainHeld()).toEqual([]); // 3 still missing
    expect(stream.admit(live(3, 2))).toBe('hold');
    expect(stream.drainHeld().map((m) => (m.event as PositionedEvent).pos)).toEqual([3, 5, 7]);
    expect(stream.filling).toBe(false);
    expect(stream.awaitingBus).toBe(false);
    expect(stream.stopAwaitingBus()).toBe(false); // the wait's end finds nothing to read
    expect(stream.admit(live(9, 7))).toBe('send');
  });

  it('a gap still open when the wait ends is filled from the log; a resync or the live check ends the wait at once', () => {
    const stream = new ConversationOrder().of('c1');
    expect(stream.admit(live(4, 3))).toBe('fill');
    expect(stream.admit(live(6, 4))).toBe('hold');
    expect(stream.stopAwaitingBus()).toBe(true);
    expect(stream.drainHeld()).toEqual([]); // no longer waiting: the log's fill releases them
    expect(fill(stream, [1, 3, 4, 6], 6)).toEqual({ sent: [1, 3, 4, 6], again: false });

    expect(stream.admit(live(9, 8))).toBe('fill');
    expect(stream.beginFill()).toBe(true); // the caller reads the log now
    expect(stream.awaitingBus).toBe(false);
    expect(stream.stopAwaitingBus()).toBe(false); // the wait's own end then does nothing
    expect(fill(stream, [8, 9], 9)).toEqual({ sent: [8, 9], again: false });
  });

  it('whatever order the bus brings events in, and whatever it loses, every event is sent once, in order', () => {
    fc.assert(
      fc.property(
        // Per event: how far behind its place it arrives (published by another node), whether it
        // arrives at all, and whether a gap's wait for the bus ends when it does.
        fc.array(fc.record({ step: fc.integer({ min: 1, max: 3 }), late: fc.nat(3), delivered: fc.boolean(), waitEnds: fc.boolean() }), {
          minLength: 1,
          maxLength: 60,
        }),
        (events) => {
          const log: number[] = [];
          for (const { step } of events) log.push((log.at(-1) ?? 0) + step);
          const arrivals = events
            .map((e, i) => ({ ...e, i }))
            .filter((e) => e.delivered)
            .sort((a, b) => a.i + a.late - (b.i + b.late) || a.i - b.i);
          const stream = new ConversationOrder().of('c1');
          const sent: number[] = [];
          const pos = (m: BusMessage) => (m.event as PositionedEvent).pos;
          let fillOpen = false;
          let committed = 0; // every event up to the latest arrival is in the log
          for (const { i, waitEnds } of arrivals) {
            committed = Math.max(committed, i);
            const admission = stream.admit(live(log[i]!, log[i - 1] ?? 0));
            if (admission === 'send') sent.push(log[i]!);
            if (admission === 'hold') sent.push(...stream.drainHeld().map(pos));
            if (waitEnds && stream.stopAwaitingBus()) fillOpen = true;
            if (fillOpen) {
              const result = fill(stream, log, log[committed]!);
              sent.push(...result.sent);
              fillOpen = result.again;
            }
          }
          if (stream.stopAwaitingBus()) fillOpen = true;
          sent.push(...finish(stream, log, fillOpen));
          expect(sent).toEqual(log);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('whatever the bus loses and whenever fills read the log, every event is sent once, in order', () => {
    fc.assert(
      fc.property(
        // A conversation's positions (other conversations' events sit between them) and, per
        // event, whether the bus delivers it and how far the log reaches when a fill reads it.
        fc.array(fc.record({ step: fc.integer({ min: 1, max: 3 }), delivered: fc.boolean(), reach: fc.nat(5) }), {
          minLength: 1,
          maxLength: 60,
        }),
        (events) => {
          const log: number[] = [];
          for (const { step } of events) log.push((log.at(-1) ?? 0) + step);
          const stream = new ConversationOrder().of('c1');
          const sent: number[] = [];
          let fillOpen = false;
          events.forEach(({ delivered, reach }, i) => {
            // A fill reads the log once the events before this one are committed, possibly more.
            if (fillOpen) {
              const result = fill(stream, log, log[Math.min(log.length - 1, i - 1 + reach)] ?? 0);
              sent.push(...result.sent);
              fillOpen = result.again;
            }
            if (!delivered) return;
            const admission = stream.admit(live(log[i]!, log[i - 1] ?? 0));
            if (admission === 'send') sent.push(log[i]!);
            if (admission === 'fill') fillOpen = stream.stopAwaitingBus(); // no wait for the bus
          });
          // The last events may be lost with nothing after them: the live check or a resync asks.
          sent.push(...finish(stream, log, fillOpen));
          expect(sent).toEqual(log);
        },
      ),
      { numRuns: 500 },
    );
  });
});
