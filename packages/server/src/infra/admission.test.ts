import { describe, expect, it } from 'vitest';
import { Admission } from './admission.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Admission', () => {
  it('runs at most its concurrency at once, in arrival order, and every task to the end', async () => {
    const admission = new Admission(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        admission.run(async () => {
          started.push(i);
          running += 1;
          most = Math.max(most, running);
          await tick();
          running -= 1;
          return i * 2;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(started).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
    expect(admission.waiting).toBe(0);
  });

  it('lets the event loop turn between slices: other work queued meanwhile is not starved', async () => {
    const admission = new Admission(2);
    const order: string[] = [];
    // Tasks that finish without I/O: without a yield, all 50 would run before the timer's turn.
    const tasks = Array.from({ length: 50 }, (_, i) => admission.run(async () => void order.push(`task ${i}`)));
    const other = new Promise<void>((resolve) => setImmediate(() => resolve(void order.push('other'))));
    await Promise.all([...tasks, other]);
    expect(order.indexOf('other')).toBeLessThan(10);
  });

  it('passes a failure to its caller and goes on with the next', async () => {
    const admission = new Admission(1);
    const failed = admission.run(() => Promise.reject(new Error('store down')));
    const next = admission.run(() => Promise.resolve('ok'));
    await expect(failed).rejects.toThrow('store down');
    await expect(next).resolves.toBe('ok');
  });
});
