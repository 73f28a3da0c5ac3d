import { describe, expect, it } from 'vitest';
import { SendTimes } from './send-times.js';

/** The count as the screen made it before: every kept time filtered against the window, per send. */
class FilteredTimes {
  private readonly bySender = new Map<string, number[]>();
  constructor(private readonly windowMs: number) {}
  record(senderId: string, now: number): number {
    const sends = (this.bySender.get(senderId) ?? []).filter((at) => now - at < this.windowMs);
    sends.push(now);
    this.bySender.set(senderId, sends);
    return sends.length - 1;
  }
}

describe('SendTimes', () => {
  it("counts the sender's earlier sends in the window, not this one nor anyone else's", () => {
    const times = new SendTimes(1000, 100);
    expect(times.record('a', 0)).toBe(0);
    expect(times.record('a', 10)).toBe(1);
    expect(times.record('b', 20)).toBe(0);
    expect(times.record('a', 999)).toBe(2);
    // At 1000 the send at 0 is a full window old: out.
    expect(times.record('a', 1000)).toBe(2);
    expect(times.record('a', 5000)).toBe(0);
  });

  it('counts as filtering every time did, over long bursts and a clock set back', () => {
    const fast = new SendTimes(60_000, 10_000);
    const filtered = new FilteredTimes(60_000);
    let now = 1_000_000;
    // A deterministic walk: bursts of sends ms apart, pauses past the window, and steps back.
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 20_000; i++) {
      const roll = next();
      now += roll < 0.01 ? 61_000 : roll < 0.03 ? -Math.floor(next() * 90_000) : Math.floor(next() * 40);
      const sender = next() < 0.8 ? 'busy' : `s${Math.floor(next() * 5)}`;
      expect(fast.record(sender, now)).toBe(filtered.record(sender, now));
    }
  });

  it('forgets idle senders once there are too many, keeping those still in the window', () => {
    const times = new SendTimes(1000, 3);
    times.record('a', 0);
    times.record('b', 0);
    times.record('c', 500);
    expect(times.senders).toBe(3);
    // A fourth sender at 1200: a and b are a window old and forgotten, c is not.
    times.record('d', 1200);
    expect(times.senders).toBe(2);
    expect(times.record('c', 1300)).toBe(1);
    expect(times.record('a', 1300)).toBe(0);
  });
});
