import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../test/collect-garbage.js';
import { deadlineAfter } from './deadline.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('deadlineAfter', () => {
  it('aborts at its time with a TimeoutError, a garbage collection meanwhile notwithstanding', async () => {
    const { signal } = deadlineAfter(100);
    let heard = false;
    signal.addEventListener('abort', () => (heard = true));
    collectGarbage();
    await sleep(30);
    collectGarbage();
    expect(signal.aborted).toBe(false);
    await expect.poll(() => heard, { timeout: 2000 }).toBe(true);
    expect((signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('aborts with the outer signal, at once when that one already has, with its reason', () => {
    const outer = new AbortController();
    const { signal } = deadlineAfter(60_000, outer.signal);
    outer.abort(new Error('shutting down'));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).message).toBe('shutting down');
    expect(deadlineAfter(60_000, AbortSignal.abort('gone')).signal.reason).toBe('gone');
  });

  it('does nothing more once cleared', async () => {
    const outer = new AbortController();
    const { signal, clear } = deadlineAfter(20, outer.signal);
    clear();
    outer.abort();
    await sleep(60);
    expect(signal.aborted).toBe(false);
  });
});
