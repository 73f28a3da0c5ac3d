import { afterEach, describe, expect, it, vi } from 'vitest';
import { DeliveryReceipts } from './delivery-receipts.js';

afterEach(() => vi.useRealTimers());

describe('DeliveryReceipts', () => {
  it('sends one frame per conversation for what arrived within the window, with the highest seq', () => {
    vi.useFakeTimers();
    const sent: unknown[] = [];
    const receipts = new DeliveryReceipts((frame) => sent.push(JSON.parse(frame)) > 0, 100);
    receipts.received('a', 3);
    receipts.received('a', 5);
    receipts.received('a', 4); // behind what is reported already
    receipts.received('b', 1);
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([
      { type: 'delivered', conversationId: 'a', seq: 5 },
      { type: 'delivered', conversationId: 'b', seq: 1 },
    ]);
  });

  it('keeps a batch the socket could not take for the next one, and sends nothing once stopped', () => {
    vi.useFakeTimers();
    let open = false;
    const sent: string[] = [];
    const receipts = new DeliveryReceipts((frame) => open && sent.push(frame) > 0, 100);
    receipts.received('a', 2);
    vi.advanceTimersByTime(100);
    expect(sent).toEqual([]);
    open = true;
    receipts.received('b', 9);
    vi.advanceTimersByTime(100);
    expect(sent.map((f) => JSON.parse(f) as unknown)).toEqual([
      { type: 'delivered', conversationId: 'a', seq: 2 },
      { type: 'delivered', conversationId: 'b', seq: 9 },
    ]);
    receipts.received('c', 1);
    receipts.stop();
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2);
  });
});
