import { describe, expect, it } from 'vitest';
import { HoldFence } from './hold-fence.js';

/** A clock the test moves by hand. */
function clock() {
  let now = 1000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}
const timings = { freshMs: 5000, holdDelayMs: 6000 };

describe('HoldFence on one node (a lossless bus)', () => {
  it('skips the lookup only after a read found the model unable to hold, until news of training', () => {
    const c = clock();
    const fence = new HoldFence(true, c.now, timings);
    expect(fence.noneHeld()).toBe(false); // nothing read yet
    fence.readCompleted(fence.readStarted(), false);
    expect(fence.noneHeld()).toBe(true);
    c.advance(3_600_000);
    expect(fence.noneHeld()).toBe(true); // the only node: its read stays true until it trains
    fence.distrust();
    expect([fence.noneHeld(), fence.wantsRead()]).toEqual([false, true]);
  });

  it('holds at once once a read finds the model able to hold, and never skips after', () => {
    const c = clock();
    const fence = new HoldFence(true, c.now, timings);
    fence.readCompleted(fence.readStarted(), true);
    expect([fence.mayHold(), fence.noneHeld(), fence.wantsRead()]).toEqual([true, false, false]);
  });

  it('does not trust a read that ran across news of training', () => {
    const fence = new HoldFence(true, clock().now, timings);
    const read = fence.readStarted();
    fence.distrust();
    fence.readCompleted(read, false);
    expect(fence.noneHeld()).toBe(false);
    fence.readCompleted(fence.readStarted(), false);
    expect(fence.noneHeld()).toBe(true);
  });
});

describe('HoldFence on several nodes', () => {
  it('trusts "cannot hold" for freshMs from the start of the read, then wants another read', () => {
    const c = clock();
    const fence = new HoldFence(false, c.now, timings);
    const read = fence.readStarted();
    c.advance(1000); // the read took a second: trusted from when it started
    fence.readCompleted(read, false);
    c.advance(3999);
    expect([fence.noneHeld(), fence.wantsRead()]).toEqual([true, false]);
    c.advance(1);
    expect([fence.noneHeld(), fence.wantsRead()]).toEqual([false, true]);
  });

  it('holds only holdDelayMs after its first read that found the model able to hold completed', () => {
    const c = clock();
    const fence = new HoldFence(false, c.now, timings);
    const read = fence.readStarted();
    c.advance(2000);
    fence.readCompleted(read, true);
    expect(fence.mayHold()).toBe(false);
    c.advance(5999);
    expect(fence.mayHold()).toBe(false);
    c.advance(1);
    expect(fence.mayHold()).toBe(true);
    // Later reads do not move it, and a node that can hold never skips.
    fence.readCompleted(fence.readStarted(), true);
    expect([fence.mayHold(), fence.noneHeld()]).toEqual([true, false]);
  });

  it('two nodes: no node skips at any instant after the other could hold (the argument of hold-fence.ts)', () => {
    // Node B reads (cannot hold); an admin trains; node A reads (can hold). On one time line.
    const c = clock();
    const b = new HoldFence(false, c.now, timings);
    const a = new HoldFence(false, c.now, timings);
    const readB = b.readStarted();
    c.advance(10);
    b.readCompleted(readB, false);
    c.advance(1); // the training commits after B's read started; A reads it at once
    a.readCompleted(a.readStarted(), true);
    // B never heard the news (lost). Step through time: whenever A may hold, B does not skip.
    for (let step = 0; step < 200; step++) {
      if (a.mayHold()) expect(b.noneHeld()).toBe(false);
      c.advance(50);
    }
    expect(a.mayHold()).toBe(true);
  });
});
