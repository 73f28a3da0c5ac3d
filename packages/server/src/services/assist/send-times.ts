/**
 * Each sender's send times in the last window, oldest first (spam-screen.ts's burst signal).
 * Counting runs on every untrusted send, so it drops expired times from the front instead of
 * filtering a copy: the copy cost grew with the sender's rate (a bench sender at ~130 sends/s
 * kept thousands of times, and copying them was 12 % of a REST send's allocations, 2026-11-27).
 */
export class SendTimes {
  private readonly bySender = new Map<string, Times>();

  constructor(
    /** A send older than this (ms) no longer counts. */
    private readonly windowMs: number,
    /** More senders than this: those with nothing left in the window are forgotten. */
    private readonly maxSenders: number,
  ) {}

  get senders(): number {
    return this.bySender.size;
  }

  /** Counts the sender's sends in the window before `now` (this one not included), then keeps this one. */
  record(senderId: string, now: number): number {
    let times = this.bySender.get(senderId);
    if (times === undefined) {
      times = { at: [], start: 0 };
      this.bySender.set(senderId, times);
    }
    const { at } = times;
    // The times stay sorted (a clock set back inserts in place), so the ones in the window are a suffix.
    while (times.start < at.length && now - at[times.start]! >= this.windowMs) times.start++;
    const recent = at.length - times.start;
    // Expired times are cut off once they are half the array: amortised O(1) a send.
    if (times.start > 32 && times.start * 2 > at.length) {
      at.splice(0, times.start);
      times.start = 0;
    }
    if (at.length === 0 || at[at.length - 1]! <= now) at.push(now);
    else at.splice(insertionPoint(at, times.start, now), 0, now);
    if (this.bySender.size > this.maxSenders) this.forgetIdle(now);
    return recent;
  }

  /** Forgets the senders whose newest send is out of the window. */
  private forgetIdle(now: number): void {
    for (const [id, { at }] of this.bySender) if (now - at[at.length - 1]! >= this.windowMs) this.bySender.delete(id);
  }
}

interface Times {
  /** Ascending; those before `start` are expired. */
  at: number[];
  start: number;
}

/** Where `value` goes in the sorted `at[from…]` (after any equal ones). */
function insertionPoint(at: readonly number[], from: number, value: number): number {
  let lo = from;
  let hi = at.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (at[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
