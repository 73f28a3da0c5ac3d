import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PositionedEvent } from '@confab/protocol';
import type { BusMessage } from '../bus/bus.js';
import { createMetrics } from '../metrics.js';
import type { Connection } from './connection.js';
import { ConversationOrder } from './conversation-order.js';
import { GapFill } from './gap-fill.js';
import { live, messageEvent as event } from './live-events.js';

const WAIT_MS = 20;

/**
 * A GapFill over a log held in memory (`log`, the positions of c1 in order), writing to one
 * socket whose frames it records; `admit` hands it a live event as the fan-out does.
 */
function setUp(log: number[]) {
  const reads: number[] = [];
  const written: number[] = [];
  const metrics = createMetrics();
  const sync = {
    conversationFrames(_conversationId: string, after: number) {
      reads.push(after);
      const page = log.filter((pos) => pos > after).map((pos) => event(pos, log[log.indexOf(pos) - 1] ?? 0));
      return Promise.resolve(page.map((e) => ({ event: e, frame: JSON.stringify(e) })));
    },
    heads: () => Promise.resolve({}),
  };
  const connection = { closed: false, pending: null, order: new ConversationOrder(), send: () => {} } as unknown as Connection;
  const gapFill = new GapFill(
    sync,
    pino({ level: 'silent' }),
    metrics,
    {
      write: (_connection, data) => (written.push((JSON.parse(String(data)) as PositionedEvent).pos), true),
      sent: () => {},
    },
    WAIT_MS,
  );
  const admit = (message: BusMessage) => {
    const stream = connection.order.of('c1');
    const admission = stream.admit(message);
    if (admission === 'send') written.push((message.event as PositionedEvent).pos);
    if (admission === 'fill') gapFill.start(connection, 'c1', stream);
    if (admission === 'hold') gapFill.held(connection, 'c1', stream);
  };
  const counter = async (name: string) => (await metrics.registry.getSingleMetric(name)!.get()).values[0]?.value ?? 0;
  return { reads, written, admit, gapFill, connection, counter };
}

describe('GapFill: a live event’s gap waits for the bus before the log is read', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('events arriving out of order within the wait go out in order, with no log read', async () => {
    const { reads, written, admit, counter } = setUp([1, 2, 3, 4]);
    admit(live(1, 0));
    admit(live(3, 2)); // 2 comes from another node, a moment behind
    admit(live(4, 3));
    expect(written).toEqual([1]);
    await vi.advanceTimersByTimeAsync(WAIT_MS / 2);
    admit(live(2, 1));
    expect(written).toEqual([1, 2, 3, 4]);
    await vi.advanceTimersByTimeAsync(WAIT_MS * 2);
    expect(reads).toEqual([]);
    expect(await counter('confab_ws_gaps_closed_by_bus_total')).toBe(1);
    expect(await counter('confab_ws_gap_fills_total')).toBe(0);
  });

  it('a gap the bus does not close within the wait is filled from the log, then the held events follow', async () => {
    const { reads, written, admit, counter } = setUp([1, 2, 3, 4]);
    admit(live(1, 0));
    admit(live(3, 2)); // 2 was lost
    admit(live(4, 3));
    await vi.advanceTimersByTimeAsync(WAIT_MS - 1);
    expect(reads).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(reads).toEqual([1]);
    expect(written).toEqual([1, 2, 3, 4]);
    admit(live(2, 1)); // arriving after all: a duplicate
    expect(written).toEqual([1, 2, 3, 4]);
    expect(await counter('confab_ws_gap_fills_total')).toBe(1);
    expect(await counter('confab_ws_gaps_closed_by_bus_total')).toBe(0);
  });

  it('the live check finding the conversation behind during the wait reads the log at once', async () => {
    const { reads, written, admit, gapFill, connection } = setUp([1, 2, 3]);
    admit(live(1, 0));
    admit(live(3, 2));
    gapFill.behind(new Set([connection]), 'c1', 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(reads).toEqual([1]);
    expect(written).toEqual([1, 2, 3]);
    await vi.advanceTimersByTimeAsync(WAIT_MS * 2);
    expect(reads).toEqual([1]); // the wait's end finds the gap filled
  });

  it('a socket closed during the wait is not filled', async () => {
    const { reads, written, admit, connection } = setUp([1, 2, 3]);
    admit(live(1, 0));
    admit(live(3, 2));
    connection.closed = true;
    await vi.advanceTimersByTimeAsync(WAIT_MS * 2);
    expect(reads).toEqual([]);
    expect(written).toEqual([1]);
  });
});
