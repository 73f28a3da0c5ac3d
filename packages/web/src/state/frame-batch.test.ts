import { describe, expect, it } from 'vitest';
import { FrameBatch } from './frame-batch.js';

/** A scheduler whose ticks the test runs by hand. */
function manualTicks() {
  const waiting: (() => void)[] = [];
  return { schedule: (run: () => void) => void waiting.push(run), tick: () => waiting.splice(0).forEach((run) => run()), waiting };
}

describe('FrameBatch', () => {
  it('hands over everything added before a tick in one call, scheduling one tick per batch', () => {
    const ticks = manualTicks();
    const delivered: number[][] = [];
    const batch = new FrameBatch<number>((items) => delivered.push(items), ticks.schedule);
    batch.add(1);
    batch.add(2);
    batch.add(3);
    expect(ticks.waiting).toHaveLength(1);
    expect(delivered).toEqual([]);
    ticks.tick();
    expect(delivered).toEqual([[1, 2, 3]]);
    batch.add(4);
    ticks.tick();
    expect(delivered).toEqual([[1, 2, 3], [4]]);
  });

  it('flushes at once on demand, and then the tick has nothing left to hand over', () => {
    const ticks = manualTicks();
    const delivered: number[][] = [];
    const batch = new FrameBatch<number>((items) => delivered.push(items), ticks.schedule);
    batch.add(1);
    batch.flush();
    expect(delivered).toEqual([[1]]);
    ticks.tick();
    expect(delivered).toEqual([[1]]);
  });

  it('forgets what waits when cleared', () => {
    const ticks = manualTicks();
    const delivered: number[][] = [];
    const batch = new FrameBatch<number>((items) => delivered.push(items), ticks.schedule);
    batch.add(1);
    batch.clear();
    ticks.tick();
    expect(delivered).toEqual([]);
  });
});
